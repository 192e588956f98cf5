using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RealtimeAdapters.Emulator.Auth;

namespace RealtimeAdapters.Emulator.Firebase.Auth;

/// <summary>
/// Turns a request's credentials into a <see cref="FirebaseIdentity"/>, as the official emulator does:
/// <c>Authorization: Bearer owner</c> (or <c>access_token=owner</c>) is admin; <c>auth=</c>, <c>access_token=</c> and other
/// bearer values are ID tokens: unsigned JWTs (<c>alg: none</c>) or HS256 JWTs signed with the configured secret. The
/// secret itself, given as <c>auth=</c>, acts as a legacy database secret (admin). Token contents never reach a message.
/// </summary>
internal sealed class FirebaseAuthenticator
{
    private const string Owner = "owner";
    private readonly byte[]? _secret;
    private readonly TimeProvider _time;

    public FirebaseAuthenticator(string? secret, TimeProvider time)
    {
        _secret = string.IsNullOrEmpty(secret) ? null : Encoding.UTF8.GetBytes(secret);
        _time = time;
    }

    /// <summary>Resolves the identity of a request.</summary>
    /// <param name="authorizationHeader">The <c>Authorization</c> header, if any.</param>
    /// <param name="auth">The <c>auth</c> query parameter, if any.</param>
    /// <param name="accessToken">The <c>access_token</c> query parameter, if any.</param>
    /// <param name="authVariableOverride">The <c>auth_variable_override</c> query parameter, if any.</param>
    /// <exception cref="FirebaseHttpException">The credential is malformed, badly signed or expired (401), or the override is invalid (400/401).</exception>
    public FirebaseIdentity Authenticate(string? authorizationHeader, string? auth, string? accessToken, string? authVariableOverride)
    {
        string? bearer = null;
        if (!string.IsNullOrEmpty(authorizationHeader))
        {
            const string prefix = "Bearer ";
            bearer = authorizationHeader.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                ? authorizationHeader[prefix.Length..].Trim()
                : throw new FirebaseHttpException(401, FirebaseMessages.UnparseableToken);
        }

        // An empty parameter (auth=) is no credential rather than a malformed one.
        auth = string.IsNullOrEmpty(auth) ? null : auth;
        accessToken = string.IsNullOrEmpty(accessToken) ? null : accessToken;
        var credential = bearer ?? accessToken ?? auth;
        FirebaseIdentity identity;
        if (credential is null)
        {
            identity = FirebaseIdentity.Anonymous;
        }
        else if (credential == Owner && (bearer is not null || accessToken is not null))
        {
            identity = FirebaseIdentity.Admin;
        }
        else if (auth is not null && ReferenceEquals(credential, auth) && IsSecret(auth))
        {
            identity = FirebaseIdentity.Admin;
        }
        else
        {
            identity = ReadToken(credential);
        }

        if (authVariableOverride is not null)
        {
            if (!identity.IsAdmin)
            {
                throw new FirebaseHttpException(401, "auth_variable_override requires admin credentials.");
            }

            identity = new FirebaseIdentity(false, ParseOverride(authVariableOverride), null);
        }

        return identity;
    }

    private static JsonElement? ParseOverride(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.Object => doc.RootElement.Clone(),
                _ => throw FirebaseHttpException.BadRequest("auth_variable_override must be a JSON object or null."),
            };
        }
        catch (JsonException)
        {
            throw FirebaseHttpException.BadRequest("auth_variable_override must be a JSON object or null.");
        }
    }

    /// <summary>Whether <paramref name="credential"/> is the configured secret (a legacy database secret: admin).</summary>
    public bool IsSecret(string credential) =>
        _secret is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(credential), _secret);

    /// <summary>Reads and checks a JWT.</summary>
    /// <param name="token">The token.</param>
    /// <param name="lapsedUnsignedTokensValid">
    /// Whether an unsigned token whose <c>exp</c> has already passed is accepted as one that never expires. The SDKs'
    /// <c>mockUserToken</c> defaults <c>iat</c> to 0 and <c>exp</c> to an hour later (1970), and the official emulator
    /// accepts it; an unsigned token that expires in the future still expires then.
    /// </param>
    /// <exception cref="FirebaseHttpException">The token is malformed, badly signed or expired (401).</exception>
    public FirebaseIdentity ReadToken(string token, bool lapsedUnsignedTokensValid = false)
    {
        var parts = Hs256Jwt.Split(token) ?? throw Unparseable();

        using var header = ParsePart(parts[0]);
        using var payload = ParsePart(parts[1]);
        if (header.RootElement.ValueKind != JsonValueKind.Object || payload.RootElement.ValueKind != JsonValueKind.Object ||
            !header.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String)
        {
            throw Unparseable();
        }

        switch (alg.GetString())
        {
            case "none":
                if (parts[2].Length != 0)
                {
                    throw Unparseable();
                }

                break;
            case "HS256":
                if (_secret is null || !Hs256Jwt.SignatureMatches(parts, _secret))
                {
                    throw Unparseable();
                }

                break;
            default:
                throw Unparseable();
        }

        var claims = payload.RootElement;
        DateTimeOffset? expiresAt = null;
        if (claims.TryGetProperty("exp", out var exp))
        {
            if (exp.ValueKind != JsonValueKind.Number || !exp.TryGetDouble(out var seconds) || !double.IsFinite(seconds))
            {
                throw Unparseable();
            }

            expiresAt = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Clamp(seconds * 1000, -62135596800000d, 253402300799000d));
            if (expiresAt <= _time.GetUtcNow())
            {
                if (!(lapsedUnsignedTokensValid && alg.GetString() == "none"))
                {
                    throw new FirebaseHttpException(401, FirebaseMessages.ExpiredToken);
                }

                expiresAt = null;
            }
        }

        // Tokens of the legacy token generator carry the auth payload under "d" and admin rights as a claim.
        if (claims.TryGetProperty("v", out _) && claims.TryGetProperty("d", out var legacy) && legacy.ValueKind == JsonValueKind.Object)
        {
            var isAdmin = claims.TryGetProperty("admin", out var admin) && admin.ValueKind == JsonValueKind.True;
            return new FirebaseIdentity(isAdmin, legacy.Clone(), expiresAt);
        }

        var uid = Claim(claims, "uid") ?? Claim(claims, "user_id") ?? Claim(claims, "sub");
        if (string.IsNullOrEmpty(uid))
        {
            throw Unparseable();
        }

        var provider = claims.TryGetProperty("firebase", out var firebase) && firebase.ValueKind == JsonValueKind.Object
            ? Claim(firebase, "sign_in_provider")
            : null;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("uid", uid);
            writer.WriteString("provider", provider ?? "custom");
            writer.WritePropertyName("token");
            claims.WriteTo(writer);
            writer.WriteEndObject();
        }

        using var authDoc = JsonDocument.Parse(buffer.WrittenMemory);
        return new FirebaseIdentity(false, authDoc.RootElement.Clone(), expiresAt);
    }

    private static string? Claim(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonDocument ParsePart(string part)
    {
        if (!Hs256Jwt.TryDecode(part, out var bytes))
        {
            throw Unparseable();
        }

        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            throw Unparseable();
        }
    }

    private static FirebaseHttpException Unparseable() => new(401, FirebaseMessages.UnparseableToken);
}
