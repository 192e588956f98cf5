using System.Security.Cryptography;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// AES-CBC channel encryption parameters (RSE, TZ): a 128- or 256-bit key. Payloads are the 16-byte IV followed by the
/// PKCS#7-padded ciphertext. The key is never shown by <see cref="ToString"/>.
/// </summary>
public sealed class CipherParams
{
    private readonly byte[] _key;
    private readonly byte[]? _fixedIv;

    /// <summary>Creates parameters for <paramref name="key"/> (16 or 32 bytes).</summary>
    /// <param name="key">The AES key.</param>
    /// <param name="fixedIv">An IV to use for every encryption, for test fixtures only; a fresh random IV otherwise.</param>
    public CipherParams(ReadOnlySpan<byte> key, ReadOnlySpan<byte> fixedIv = default)
    {
        if (key.Length is not (16 or 32))
        {
            throw new RealtimeValidationException($"An Ably cipher key must be 128 or 256 bits (got {key.Length * 8}).", "key") { ErrorCode = "40003" };
        }

        if (!fixedIv.IsEmpty && fixedIv.Length != 16)
        {
            throw new RealtimeValidationException($"An AES-CBC IV must be 16 bytes (got {fixedIv.Length}).", "iv") { ErrorCode = "40003" };
        }

        _key = key.ToArray();
        _fixedIv = fixedIv.IsEmpty ? null : fixedIv.ToArray();
        EncodingStep = key.Length == 16 ? "cipher+aes-128-cbc" : "cipher+aes-256-cbc";
    }

    /// <summary>The key length in bits (128 or 256).</summary>
    internal int KeyLength => _key.Length * 8;

    /// <summary>The encoding step this cipher adds: <c>cipher+aes-128-cbc</c> or <c>cipher+aes-256-cbc</c>.</summary>
    internal string EncodingStep { get; }

    /// <summary>IV followed by ciphertext.</summary>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext)
    {
        using var aes = Aes.Create();
        aes.Key = _key;
        Span<byte> iv = stackalloc byte[16];
        if (_fixedIv is null)
        {
            RandomNumberGenerator.Fill(iv);
        }
        else
        {
            _fixedIv.CopyTo(iv);
        }

        var cipherLength = aes.GetCiphertextLengthCbc(plaintext.Length, PaddingMode.PKCS7);
        var output = new byte[16 + cipherLength];
        iv.CopyTo(output);
        aes.EncryptCbc(plaintext, iv, output.AsSpan(16), PaddingMode.PKCS7);
        return output;
    }

    /// <summary>Decrypts IV-prefixed ciphertext; <see langword="false"/> when it is not valid for this key.</summary>
    public bool TryDecrypt(ReadOnlySpan<byte> payload, out byte[] plaintext)
    {
        plaintext = [];
        if (payload.Length < 32 || payload.Length % 16 != 0)
        {
            return false;
        }

        using var aes = Aes.Create();
        aes.Key = _key;
        try
        {
            plaintext = aes.DecryptCbc(payload[16..], payload[..16], PaddingMode.PKCS7);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>"AES-128-CBC" or "AES-256-CBC"; never the key.</summary>
    public override string ToString() => $"AES-{KeyLength}-CBC";
}
