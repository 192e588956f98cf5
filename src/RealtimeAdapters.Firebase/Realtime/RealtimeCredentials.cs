using System.Buffers;
using System.Text.Json;

namespace RealtimeAdapters.Firebase.Realtime;

/// <summary>
/// The credential a realtime connection presents: <c>gauth</c> for the emulator's administrator and OAuth access tokens,
/// <c>auth</c> for ID tokens (a JWT with <c>iat</c>, as the SDKs decide); the token providers are asked before each
/// connection, and an ID token's expiry says when to replace it on the open socket.
/// </summary>
internal sealed class RealtimeCredentials(FirebaseStoreOptions options)
{
    private readonly FirebaseStoreOptions _options = options;
    private string? _currentToken;

    /// <summary>When the current ID token should be replaced (five minutes before it expires, or halfway through a shorter life); null when it need not be.</summary>
    public TimeSpan? RefreshDue(DateTimeOffset now)
    {
        if (_options.TokenProvider is null || _currentToken is not { } token || Claims(token).Expires is not { } expires)
        {
            return null;
        }

        var left = expires - now;
        var due = left > TimeSpan.FromMinutes(10) ? left - TimeSpan.FromMinutes(5) : left / 2;
        return due < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : due;
    }

    /// <summary>The credential action and body for this connection: <c>gauth</c> for the emulator's admin and access tokens, <c>auth</c> for ID tokens.</summary>
    public (string? Action, byte[]? Body) Credential()
    {
        string? token;
        string action;
        if (_options.UseEmulatorAdmin)
        {
            (token, action) = ("owner", "gauth");
        }
        else if ((_options.AccessTokenProvider is null ? _options.AccessToken : _currentToken) is { } access)
        {
            (token, action) = (access, "gauth");
        }
        else
        {
            token = _currentToken ?? _options.IdToken ?? _options.DatabaseSecret;
            action = token is not null && LooksLikeIdToken(token) ? "auth" : "gauth";
        }

        if (token is null)
        {
            return (null, null);
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, RealtimeWire.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("cred", token);
            json.WriteEndObject();
        }

        return (action, buffer.WrittenSpan.ToArray());
    }

    /// <summary>Asks the token provider (if any) for the credential of the next connection.</summary>
    public async Task RefreshTokenAsync(CancellationToken cancellationToken)
    {
        if ((_options.TokenProvider ?? _options.AccessTokenProvider) is { } provider)
        {
            var token = await provider(cancellationToken).ConfigureAwait(false);
            _currentToken = string.IsNullOrEmpty(token) ? null : token;
        }
    }

    /// <summary>A JWT whose claims carry <c>iat</c> goes with <c>auth</c>, as the SDKs decide.</summary>
    private static bool LooksLikeIdToken(string token) => Claims(token).HasIssuedAt;

    /// <summary>What the client needs from a JWT's claims (unverified: the database verifies it).</summary>
    private static (bool HasIssuedAt, DateTimeOffset? Expires) Claims(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return (false, null);
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var claims = JsonDocument.Parse(Convert.FromBase64String(payload));
            var root = claims.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (false, null);
            }

            DateTimeOffset? expires = root.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds) && seconds is > 0 and < 253402300800
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
            return (root.TryGetProperty("iat", out _), expires);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return (false, null);
        }
    }
}
