using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RealtimeAdapters.Emulator.Tests.Infrastructure;

/// <summary>Builds JWTs for tests: unsigned (alg none) and HS256.</summary>
internal static class TestTokens
{
    public static string Unsigned(object claims) =>
        Encode(new { alg = "none", typ = "JWT" }) + "." + Encode(claims) + ".";

    public static string Hs256(object claims, string secret)
    {
        var signed = Encode(new { alg = "HS256", typ = "JWT" }) + "." + Encode(claims);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signed));
        return signed + "." + System.Buffers.Text.Base64Url.EncodeToString(signature);
    }

    public static object User(string uid, DateTimeOffset now, TimeSpan? lifetime = null, string? email = null) => new Dictionary<string, object?>
    {
        ["sub"] = uid,
        ["user_id"] = uid,
        ["iat"] = now.ToUnixTimeSeconds(),
        ["exp"] = (now + (lifetime ?? TimeSpan.FromHours(1))).ToUnixTimeSeconds(),
        ["email"] = email,
        ["firebase"] = new Dictionary<string, object> { ["sign_in_provider"] = "password" },
    };

    private static string Encode(object value) => System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
