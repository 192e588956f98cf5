using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>The emulator's keys and the tokens it issued: checks credentials and turns token requests into tokens.</summary>
internal sealed class AblyAuthority
{
    private static readonly TimeSpan DefaultTokenTtl = TimeSpan.FromMinutes(60);
    private readonly Dictionary<string, AblyKeyEntry> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AblyAuthContext> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _nonces = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public AblyAuthority(IEnumerable<AblyKeyEntry> keys, TimeProvider time)
    {
        _time = time;
        foreach (var entry in keys)
        {
            _keys[entry.Key.KeyName] = entry;
        }
    }

    public AblyKeyEntry? FindKey(string keyName) => _keys.GetValueOrDefault(keyName);

    /// <summary>Checks a full key <c>name:secret</c>.</summary>
    public AblyAuthContext AuthenticateKey(string keyText)
    {
        var colon = keyText.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw Fail(AblyErrorCodes.InvalidCredentials, "Invalid key: expected keyName:keySecret.");
        }

        var entry = FindKey(keyText[..colon]);
        if (entry is null || !CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(entry.Key.Secret), Encoding.UTF8.GetBytes(keyText[(colon + 1)..])))
        {
            throw Fail(AblyErrorCodes.InvalidCredential, "Invalid credentials: unknown key or wrong secret.");
        }

        return new AblyAuthContext(entry.Key.KeyName, entry.Capability, null, null, IsKey: true);
    }

    /// <summary>Checks a token: one this emulator issued, or an Ably JWT signed with one of its keys.</summary>
    public AblyAuthContext AuthenticateToken(string token)
    {
        if (_tokens.TryGetValue(token, out var context))
        {
            if (context.Expires is { } expires && _time.GetUtcNow() >= expires)
            {
                throw Fail(AblyErrorCodes.TokenExpired, "Token expired.");
            }

            return context;
        }

        if (AblyTokenInspector.LooksLikeJwt(token))
        {
            var claims = AblyJwt.Validate(token, name => FindKey(name)?.Key, _time);
            var key = FindKey(claims.KeyName)!;
            var capability = claims.Capability is { } cap ? key.Capability.Intersect(AblyCapability.Parse(cap)) : key.Capability;
            return new AblyAuthContext(key.Key.KeyName, capability, claims.ClientId, claims.ExpiresAt, IsKey: false);
        }

        throw Fail(AblyErrorCodes.TokenUnrecognised, "Token not recognised.");
    }

    /// <summary>Issues a token for a request: signed (MAC, timestamp window, nonce) or unsigned with Basic auth of the same key.</summary>
    public TokenDetails IssueToken(string keyName, TokenRequest request, AblyAuthContext? caller)
    {
        var entry = FindKey(keyName) ?? throw Fail(AblyErrorCodes.NotFound, "Unknown key name.");
        if (!string.IsNullOrEmpty(request.KeyName) && !string.Equals(request.KeyName, keyName, StringComparison.Ordinal))
        {
            throw Fail(AblyErrorCodes.InvalidCredential, "The token request's keyName does not match the URL.");
        }

        if (request.Mac is not null)
        {
            TokenRequestVerifier.ValidateSigned(request, entry.Key, _time);
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var (nonce, at) in _nonces)
            {
                if (now - at > 5 * 60_000)
                {
                    _nonces.TryRemove(nonce, out _);
                }
            }

            if (!_nonces.TryAdd(keyName + "\n" + request.Nonce, now))
            {
                throw Fail(AblyErrorCodes.NonceReplayed, "The token request's nonce was already used.");
            }
        }
        else if (caller is not { IsKey: true } || !string.Equals(caller.KeyName, keyName, StringComparison.Ordinal))
        {
            throw Fail(AblyErrorCodes.BasicAuthRequired, "An unsigned token request needs Basic auth with the same key.");
        }

        var capability = request.Capability is { Length: > 0 } requested
            ? entry.Capability.Intersect(AblyCapability.Parse(requested))
            : entry.Capability;
        var ttl = request.Ttl is { } t && t > 0 ? TimeSpan.FromMilliseconds(t) : DefaultTokenTtl;
        var issued = _time.GetUtcNow();
        var expires = issued + ttl;
        var token = "emu." + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32);
        var clientId = string.IsNullOrEmpty(request.ClientId) ? null : request.ClientId;
        _tokens[token] = new AblyAuthContext(keyName, capability, clientId, expires, IsKey: false);
        return new TokenDetails
        {
            Token = token,
            KeyName = keyName,
            Issued = issued.ToUnixTimeMilliseconds(),
            Expires = expires.ToUnixTimeMilliseconds(),
            Capability = capability.ToJson(),
            ClientId = clientId,
        };
    }

    public static AblyProtocolException Fail(int code, string message) => new(ErrorInfo.Create(code, message));
}
