using System.Buffers;
using System.Text;
using System.Text.Json;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;
using RealtimeAdapters.Emulator.Auth;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>
/// Ably JWTs as the server issues and verifies them (protocol §2.2): HS256 signed with the key secret, header <c>kid</c> =
/// key name, claims <c>iat</c>, <c>exp</c> (seconds), <c>x-ably-capability</c> and <c>x-ably-clientId</c>. Server-side
/// code: a client only reads a token's claims (<see cref="AblyTokenInspector"/>).
/// </summary>
internal static class AblyJwt
{
    public static string Create(AblyApiKey key, TimeProvider time, TimeSpan ttl, string? capability = null, string? clientId = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        return Create(key, now, now + ttl, capability, clientId);
    }

    public static string Create(AblyApiKey key, DateTimeOffset issuedAt, DateTimeOffset expiresAt, string? capability = null, string? clientId = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var header = Json(w =>
        {
            w.WriteString("typ"u8, "JWT");
            w.WriteString("alg"u8, "HS256");
            w.WriteString("kid"u8, key.KeyName);
        });
        var payload = Json(w =>
        {
            w.WriteNumber("iat"u8, issuedAt.ToUnixTimeSeconds());
            w.WriteNumber("exp"u8, expiresAt.ToUnixTimeSeconds());
            if (capability is not null)
            {
                w.WriteString("x-ably-capability"u8, capability);
            }

            if (clientId is not null)
            {
                w.WriteString("x-ably-clientId"u8, clientId);
            }
        });
        return Hs256Jwt.Sign(header, payload, Encoding.UTF8.GetBytes(key.Secret));
    }

    /// <summary>Verifies signature and expiry and returns the claims.</summary>
    /// <param name="token">The JWT.</param>
    /// <param name="findKey">The key for a key name, or <see langword="null"/> when there is none.</param>
    /// <param name="time">The clock.</param>
    /// <exception cref="AblyProtocolException">40144 for a malformed, unsigned or wrongly signed token or an unknown key;
    /// 40142 when it has expired.</exception>
    public static AblyJwtClaims Validate(string token, Func<string, AblyApiKey?> findKey, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(findKey);
        ArgumentNullException.ThrowIfNull(time);
        if (!AblyTokenInspector.LooksLikeJwt(token) || Hs256Jwt.Split(token) is not { } parts)
        {
            throw Invalid("the token is not a JWT.");
        }

        using var header = ParsePart(parts[0], "header");
        if (header.RootElement.ValueKind != JsonValueKind.Object ||
            !header.RootElement.TryGetProperty("alg"u8, out var alg) || alg.ValueKind != JsonValueKind.String || !alg.ValueEquals("HS256"u8))
        {
            throw Invalid("only HS256 tokens are accepted.");
        }

        if (!header.RootElement.TryGetProperty("kid"u8, out var kid) || kid.ValueKind != JsonValueKind.String || kid.GetString() is not { Length: > 0 } keyName)
        {
            throw Invalid("the header has no 'kid' (key name).");
        }

        var key = findKey(keyName) ?? throw Invalid("the token was not signed by a known key.");
        if (!Hs256Jwt.SignatureMatches(parts, Encoding.UTF8.GetBytes(key.Secret)))
        {
            throw Invalid("the signature does not match.");
        }

        using var payload = ParsePart(parts[1], "payload");
        var claims = payload.RootElement;
        if (claims.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("the payload is not a JSON object.");
        }

        var expires = ReadSeconds(claims, "exp"u8) ?? throw Invalid("the token has no 'exp' claim.");
        var issued = ReadSeconds(claims, "iat"u8);
        if (time.GetUtcNow() >= expires)
        {
            throw new AblyProtocolException(ErrorInfo.Create(AblyErrorCodes.TokenExpired, "The token has expired."));
        }

        string? capability = null;
        if (claims.TryGetProperty("x-ably-capability"u8, out var cap))
        {
            capability = cap.ValueKind switch
            {
                JsonValueKind.String => cap.GetString(),
                JsonValueKind.Object => cap.GetRawText(),
                _ => throw Invalid("the 'x-ably-capability' claim must be a JSON string."),
            };
        }

        string? clientId = null;
        if (claims.TryGetProperty("x-ably-clientId"u8, out var client))
        {
            clientId = client.ValueKind == JsonValueKind.String ? client.GetString() : throw Invalid("the 'x-ably-clientId' claim must be a string.");
        }

        return new AblyJwtClaims(keyName, issued, expires, capability, clientId);
    }

    private static DateTimeOffset? ReadSeconds(JsonElement claims, ReadOnlySpan<byte> name)
    {
        if (!claims.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds) && double.IsFinite(seconds) &&
            seconds is >= -62_135_596_800 and <= 253_402_300_799)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
        }

        throw Invalid($"the '{Encoding.UTF8.GetString(name)}' claim must be a number of seconds.");
    }

    private static JsonDocument ParsePart(string part, string what)
    {
        if (!Hs256Jwt.TryDecode(part, out var bytes))
        {
            throw Invalid($"the {what} is not base64url.");
        }

        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new AblyProtocolException(ErrorInfo.Create(AblyErrorCodes.InvalidJwt, $"Invalid JWT: the {what} is not JSON."), ex);
        }
    }

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, JsonWire.WriterOptions))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static AblyProtocolException Invalid(string problem) =>
        new(ErrorInfo.Create(AblyErrorCodes.InvalidJwt, "Invalid JWT: " + problem));
}
