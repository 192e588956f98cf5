using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// Payload encoding (RSL4) and decoding (RSL6): turns a <see cref="MessageData"/> into wire <c>data</c> plus
/// <c>encoding</c> for a wire format, and undoes an <c>encoding</c> list right to left.
/// </summary>
public static class PayloadEncoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Encodes for <paramref name="format"/>: strings as-is; binary as bin (msgpack) or base64 (JSON); JSON values
    /// stringified with <c>json</c>. With a cipher, strings add <c>utf-8</c> and JSON <c>json/utf-8</c> before encryption,
    /// and JSON transport adds <c>base64</c> last.
    /// </summary>
    public static (WireData Data, string? Encoding) Encode(MessageData data, WireFormat format, CipherParams? cipher = null)
    {
        if (data.IsNone)
        {
            return (WireData.None, null);
        }

        if (cipher is null)
        {
            return data.Kind switch
            {
                MessageDataKind.String => (WireData.FromString(data.AsString()), null),
                MessageDataKind.Binary when format == WireFormat.Json => (WireData.FromString(Convert.ToBase64String(data.AsBytes().Span)), "base64"),
                MessageDataKind.Binary => (WireData.FromBytes(data.AsBytes().ToArray()), null),
                _ => (WireData.FromString(data.AsJson().GetRawText()), "json"),
            };
        }

        var (plaintext, encoding) = data.Kind switch
        {
            MessageDataKind.String => (Encoding.UTF8.GetBytes(data.AsString()), "utf-8"),
            MessageDataKind.Binary => (data.AsBytes().ToArray(), (string?)null),
            _ => (Encoding.UTF8.GetBytes(data.AsJson().GetRawText()), "json/utf-8"),
        };
        var encrypted = cipher.Encrypt(plaintext);
        encoding = AppendStep(encoding, cipher.EncodingStep);
        return format == WireFormat.Json
            ? (WireData.FromString(Convert.ToBase64String(encrypted)), AppendStep(encoding, "base64"))
            : (WireData.FromBytes(encrypted), encoding);
    }

    /// <summary>
    /// Undoes <paramref name="encoding"/> right to left (<c>base64</c>, <c>utf-8</c>, <c>json</c>, <c>cipher+aes-…-cbc</c>).
    /// A step that fails stops decoding: the result holds the data as decoded so far, the steps left, and a 40013 error.
    /// </summary>
    public static PayloadDecodeResult Decode(WireData data, string? encoding, CipherParams? cipher = null)
    {
        object? current = data.Kind switch
        {
            WireDataKind.String => data.AsString(),
            WireDataKind.Binary => data.AsBytes(),
            WireDataKind.Json => data.AsJson(),
            _ => null,
        };
        if (current is null || string.IsNullOrEmpty(encoding))
        {
            return new(ToMessageData(current), null, null);
        }

        var steps = encoding.Split('/');
        for (var i = steps.Length - 1; i >= 0; i--)
        {
            var problem = Apply(steps[i], ref current, cipher);
            if (problem is not null)
            {
                return new(
                    ToMessageData(current),
                    string.Join('/', steps, 0, i + 1),
                    ErrorInfo.Create(AblyErrorCodes.InvalidMessageData, $"Could not decode the message payload at encoding step '{steps[i]}': {problem}"));
            }
        }

        return new(ToMessageData(current), null, null);
    }

    /// <summary>
    /// Adapts already-encoded data to another wire format without decoding it: binary for JSON becomes base64 (adding
    /// <c>base64</c>); base64 of binary for msgpack becomes bin (removing <c>base64</c>). What a relay such as the emulator
    /// does between publishers and subscribers on different formats.
    /// </summary>
    internal static (WireData Data, string? Encoding) Transcode(WireData data, string? encoding, WireFormat target)
    {
        if (target == WireFormat.Json && data.Kind == WireDataKind.Binary)
        {
            return (WireData.FromString(Convert.ToBase64String(data.AsBytes())), AppendStep(encoding, "base64"));
        }

        if (target == WireFormat.MsgPack && data.Kind == WireDataKind.String && encoding is not null && EndsWithStep(encoding, "base64"))
        {
            var remaining = RemoveLastStep(encoding);

            // Only when what is under the base64 is really binary; "json/base64" stays text for peers that expect a string.
            if ((remaining is null || LastStep(remaining).StartsWith("cipher+", StringComparison.Ordinal)) &&
                TryDecodeBase64(data.AsString(), out var bytes))
            {
                return (WireData.FromBytes(bytes), remaining);
            }
        }

        return (data, encoding);
    }

    private static string? Apply(string step, ref object? current, CipherParams? cipher)
    {
        switch (step)
        {
            case "base64":
                if (current is string s)
                {
                    if (!TryDecodeBase64(s, out var bytes))
                    {
                        return "the data is not valid base64.";
                    }

                    current = bytes;
                    return null;
                }

                return current is byte[] ? null : "the data is not a string.";

            case "utf-8" or "utf8":
                if (current is byte[] b)
                {
                    try
                    {
                        current = StrictUtf8.GetString(b);
                        return null;
                    }
                    catch (DecoderFallbackException)
                    {
                        return "the data is not valid UTF-8.";
                    }
                }

                return current is string ? null : "the data is not binary.";

            case "json":
                if (current is byte[] utf8)
                {
                    try
                    {
                        current = JsonWire.ParseElement(utf8);
                        return null;
                    }
                    catch (JsonException)
                    {
                        return "the data is not valid JSON.";
                    }
                }

                if (current is string text)
                {
                    try
                    {
                        current = JsonWire.ParseElement(text);
                        return null;
                    }
                    catch (JsonException)
                    {
                        return "the data is not valid JSON.";
                    }
                }

                // A JSON peer may carry the value already parsed.
                return null;

            case "cipher+aes-128-cbc" or "cipher+aes-256-cbc":
                if (cipher is null)
                {
                    return "the payload is encrypted and no cipher key was given.";
                }

                if (!string.Equals(cipher.EncodingStep, step, StringComparison.Ordinal))
                {
                    return $"the cipher key is {cipher.KeyLength} bits.";
                }

                if (current is not byte[] encrypted)
                {
                    return "the encrypted data is not binary.";
                }

                if (!cipher.TryDecrypt(encrypted, out var plaintext))
                {
                    return "decryption failed (wrong key or corrupt data).";
                }

                current = plaintext;
                return null;

            default:
                return "this encoding is not supported.";
        }
    }

    private static MessageData ToMessageData(object? value) => value switch
    {
        string s => MessageData.FromString(s),
        byte[] b => MessageData.FromBytes(b),
        JsonElement e => MessageData.FromJson(e),
        _ => MessageData.None,
    };

    internal static string AppendStep(string? encoding, string step) => string.IsNullOrEmpty(encoding) ? step : encoding + "/" + step;

    internal static bool EndsWithStep(string encoding, string step) =>
        encoding.EndsWith(step, StringComparison.Ordinal) &&
        (encoding.Length == step.Length || encoding[encoding.Length - step.Length - 1] == '/');

    internal static string? RemoveLastStep(string encoding)
    {
        var slash = encoding.LastIndexOf('/');
        return slash < 0 ? null : encoding[..slash];
    }

    private static string LastStep(string encoding)
    {
        var slash = encoding.LastIndexOf('/');
        return slash < 0 ? encoding : encoding[(slash + 1)..];
    }

    internal static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            bytes = written == buffer.Length ? buffer : buffer[..written];
            return true;
        }

        bytes = [];
        return false;
    }

    /// <summary>The byte length of valid base64 text, without decoding it.</summary>
    internal static int GetBase64DecodedLength(string text)
    {
        var length = text.Length;
        var padding = length > 0 && text[^1] == '=' ? (length > 1 && text[^2] == '=' ? 2 : 1) : 0;
        var full = (length / 4 * 3) - padding;
        return (length % 4) switch
        {
            2 => full + 1,
            3 => full + 2,
            _ => full,
        };
    }
}
