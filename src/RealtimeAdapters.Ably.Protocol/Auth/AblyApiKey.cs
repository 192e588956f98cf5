using System.Text;

namespace RealtimeAdapters.Ably.Protocol.Auth;

/// <summary>
/// An Ably API key <c>appId.keyId:keySecret</c>. Its key name (<c>appId.keyId</c>) is public; the secret never appears in
/// <see cref="ToString"/> or in any error message.
/// </summary>
public sealed class AblyApiKey
{
    private AblyApiKey(string appId, string keyId, string secret)
    {
        AppId = appId;
        KeyId = keyId;
        Secret = secret;
    }

    /// <summary>The application id: the part before the dot.</summary>
    public string AppId { get; }

    /// <summary>The key id: between the dot and the colon.</summary>
    public string KeyId { get; }

    /// <summary><c>appId.keyId</c>: the part before the colon.</summary>
    public string KeyName => AppId + "." + KeyId;

    /// <summary>The key secret (after the colon); signs TokenRequests and Basic auth. Never logged.</summary>
    public string Secret { get; }

    /// <summary>The value of an <c>Authorization</c> header: <c>Basic base64(keyName:keySecret)</c>.</summary>
    public string BasicAuthorizationValue => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(KeyName + ":" + Secret));

    /// <summary>The full key, <c>keyName:secret</c>, for the <c>key=</c> connection parameter.</summary>
    public string ToKeyString() => KeyName + ":" + Secret;

    /// <summary>Parses a key.</summary>
    /// <exception cref="RealtimeAuthenticationException">The key is malformed (code 40005); the message does not quote the key.</exception>
    public static AblyApiKey Parse(string? key) =>
        TryParse(key, out var parsed, out var problem)
            ? parsed
            : throw new RealtimeAuthenticationException("Invalid Ably API key: " + problem)
            {
                ErrorCode = "40005",
                StatusCode = 400,
                ProviderName = "Ably",
            };

    /// <summary>Parses <c>appId.keyId:keySecret</c>; <see langword="false"/> for anything else.</summary>
    public static bool TryParse(string? key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AblyApiKey? parsed) =>
        TryParse(key, out parsed, out _);

    private static bool TryParse(string? key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AblyApiKey? parsed, out string problem)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(key))
        {
            problem = "the key is empty.";
            return false;
        }

        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            problem = "expected the form 'appId.keyId:keySecret' (no ':' found).";
            return false;
        }

        var name = key.AsSpan(0, colon);
        var secret = key[(colon + 1)..];
        var dot = name.IndexOf('.');
        if (dot <= 0 || dot == name.Length - 1 || name[(dot + 1)..].Contains('.'))
        {
            problem = "the key name before ':' must be 'appId.keyId'.";
            return false;
        }

        if (secret.Length == 0)
        {
            problem = "the key secret after ':' is empty.";
            return false;
        }

        if (ContainsSpaceOrControl(name) || ContainsSpaceOrControl(secret))
        {
            problem = "the key contains white space or control characters.";
            return false;
        }

        parsed = new AblyApiKey(name[..dot].ToString(), name[(dot + 1)..].ToString(), secret);
        problem = string.Empty;
        return true;
    }

    private static bool ContainsSpaceOrControl(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The key name only: the secret is never shown.</summary>
    public override string ToString() => KeyName + ":***";
}
