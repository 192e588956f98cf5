using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;
using RealtimeAdapters.Emulator.Ably;

namespace RealtimeAdapters.Ably.Tests.Auth;

public sealed class AblyJwtTests
{
    private static readonly AblyApiKey Key = AblyApiKey.Parse("app.key:secret");
    private static readonly DateTimeOffset Issued = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static AblyApiKey? Find(string name) => name == "app.key" ? Key : null;

    [Fact]
    public void Create_LiteralVector_MatchesPython()
    {
        // Built with python3 hmac/hashlib/base64 (urlsafe, unpadded) from the same header and claims.
        const string Expected =
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiIsImtpZCI6ImFwcC5rZXkifQ." +
            "eyJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMzYwMCwieC1hYmx5LWNhcGFiaWxpdHkiOiJ7XCIqXCI6W1wiKlwiXX0iLCJ4LWFibHktY2xpZW50SWQiOiJib2IifQ." +
            "MmgDIw00jmo1WWpb21eGllPvc1WLjDKqS74mDIzf6HE";

        var token = AblyJwt.Create(Key, Issued, Issued.AddHours(1), """{"*":["*"]}""", "bob");

        Assert.Equal(Expected, token);
    }

    [Fact]
    public void Validate_FreshToken_ReturnsClaims()
    {
        var time = new FakeTimeProvider(Issued);
        var token = AblyJwt.Create(Key, time, TimeSpan.FromHours(1), """{"chat":["publish"]}""", "bob");

        var claims = AblyJwt.Validate(token, Find, time);

        Assert.True(AblyTokenInspector.LooksLikeJwt(token));
        Assert.Equal("app.key", claims.KeyName);
        Assert.Equal(Issued, claims.IssuedAt);
        Assert.Equal(Issued.AddHours(1), claims.ExpiresAt);
        Assert.Equal("""{"chat":["publish"]}""", claims.Capability);
        Assert.Equal("bob", claims.ClientId);
    }

    [Fact]
    public void Validate_AfterExpiry_Throws40142()
    {
        var time = new FakeTimeProvider(Issued);
        var token = AblyJwt.Create(Key, time, TimeSpan.FromMinutes(10));
        time.Advance(TimeSpan.FromMinutes(9));
        _ = AblyJwt.Validate(token, Find, time);

        time.Advance(TimeSpan.FromMinutes(1));
        var ex = Assert.Throws<AblyProtocolException>(() => AblyJwt.Validate(token, Find, time));

        Assert.Equal(AblyErrorCodes.TokenExpired, ex.Error.Code);
        Assert.Equal(401, ex.Error.StatusCode);
    }

    [Fact]
    public void Validate_TamperedPayload_Throws40144()
    {
        var time = new FakeTimeProvider(Issued);
        var parts = AblyJwt.Create(Key, time, TimeSpan.FromHours(1), clientId: "bob").Split('.');
        var forged = AblyJwt.Create(Key, time, TimeSpan.FromHours(1), clientId: "admin").Split('.')[1];

        var ex = Assert.Throws<AblyProtocolException>(() => AblyJwt.Validate($"{parts[0]}.{forged}.{parts[2]}", Find, time));

        Assert.Equal(AblyErrorCodes.InvalidJwt, ex.Error.Code);
        Assert.Contains("signature", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OtherKeysSecret_Throws40144()
    {
        var time = new FakeTimeProvider(Issued);
        var token = AblyJwt.Create(AblyApiKey.Parse("app.key:wrong"), time, TimeSpan.FromHours(1));

        Assert.Equal(AblyErrorCodes.InvalidJwt, Assert.Throws<AblyProtocolException>(() => AblyJwt.Validate(token, Find, time)).Error.Code);
    }

    [Fact]
    public void Validate_UnknownKid_Throws40144()
    {
        var time = new FakeTimeProvider(Issued);
        var token = AblyJwt.Create(AblyApiKey.Parse("app.other:secret"), time, TimeSpan.FromHours(1));

        Assert.Contains("known key", Assert.Throws<AblyProtocolException>(() => AblyJwt.Validate(token, Find, time)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("opaque-token")]
    [InlineData("eyJ.x")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJleHAiOjF9.")]
    [InlineData("eyJ!!!.eyJ.sig")]
    [InlineData("eyJ0eXAiOiJKV1QifQ.eyJleHAiOjF9.sig")]
    public void Validate_Malformed_Throws40144(string token)
    {
        var ex = Assert.Throws<AblyProtocolException>(() => AblyJwt.Validate(token, Find, new FakeTimeProvider(Issued)));

        Assert.Equal(AblyErrorCodes.InvalidJwt, ex.Error.Code);
    }

    [Fact]
    public void LooksLikeJwt_OpaqueToken_IsFalse()
    {
        Assert.False(AblyTokenInspector.LooksLikeJwt("xVLyHw.abcdef-token"));
        Assert.False(AblyTokenInspector.LooksLikeJwt(null));
    }
}
