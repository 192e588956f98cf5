using System.Text;
using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;
using RealtimeAdapters.Emulator.Ably;

namespace RealtimeAdapters.Ably.Tests.Auth;

public sealed class AblyAuthResultTests
{
    private static readonly FakeTimeProvider Time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    [Fact]
    public void FromToken_Jwt_ReadsExpiryAndClientIdFromClaims()
    {
        var jwt = AblyJwt.Create(AblyApiKey.Parse("app.key:secret"), Time, TimeSpan.FromMinutes(5), clientId: "bob");

        var result = AblyAuthResult.FromToken(jwt);

        Assert.Equal(jwt, result.Token);
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromMinutes(5), result.Expires);
        Assert.Equal("bob", result.ClientId);
        Assert.False(result.IsTokenRequest);
    }

    [Fact]
    public void FromToken_GivenExpiry_WinsOverClaims()
    {
        var expires = Time.GetUtcNow() + TimeSpan.FromMinutes(1);

        Assert.Equal(expires, AblyAuthResult.FromToken("opaque.token", expires).Expires);
        Assert.Null(AblyAuthResult.FromToken("opaque.token").Expires);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a b")]
    public void FromToken_Malformed_ThrowsValidation(string token) =>
        Assert.Throws<RealtimeValidationException>(() => AblyAuthResult.FromToken(token));

    [Fact]
    public void FromToken_ToString_HidesToken() =>
        Assert.DoesNotContain("secret-token", AblyAuthResult.FromToken("secret-token").ToString(), StringComparison.Ordinal);

    [Fact]
    public void FromTokenDetailsJson_ReadsTokenExpiryAndClientId()
    {
        var result = AblyAuthResult.FromTokenDetailsJson("""{"token":"abc.def","keyName":"app.key","issued":1700000000000,"expires":1700000060000,"capability":"{\"*\":[\"*\"]}","clientId":"eve"}""");

        Assert.Equal("abc.def", result.Token);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_060_000), result.Expires);
        Assert.Equal("eve", result.ClientId);
    }

    [Theory]
    [InlineData("""{"expires":1}""")]
    [InlineData("[1]")]
    [InlineData("{")]
    public void FromTokenDetailsJson_Invalid_ThrowsValidation(string json) =>
        Assert.Throws<RealtimeValidationException>(() => AblyAuthResult.FromTokenDetailsJson(json));

    [Fact]
    public void FromTokenRequestJson_Signed_KeepsEveryField()
    {
        var signed = TokenRequestSigner.CreateSigned(AblyApiKey.Parse("app.key:secret"), Time, 60_000, """{"*":["subscribe"]}""", "frank");
        var json = Encoding.UTF8.GetString(AblyCodec.EncodeTokenRequest(signed, WireFormat.Json));

        var result = AblyAuthResult.FromTokenRequestJson(json);

        Assert.True(result.IsTokenRequest);
        Assert.Null(result.Token);
        Assert.Equal("frank", result.ClientId);
        Assert.Equal(signed, result.TokenRequest);
        Assert.True(TokenRequestVerifier.VerifyMac(result.TokenRequest!, "secret"));
    }

    [Theory]
    [InlineData("""{"timestamp":1,"nonce":"0123456789abcdef","mac":"x"}""", "keyName")]
    [InlineData("""{"keyName":"app.key","timestamp":1,"nonce":"0123456789abcdef"}""", "mac")]
    [InlineData("""{"keyName":5}""", "json")]
    [InlineData("nope", "json")]
    public void FromTokenRequestJson_Invalid_ThrowsValidationNamingField(string json, string field)
    {
        var ex = Assert.Throws<RealtimeValidationException>(() => AblyAuthResult.FromTokenRequestJson(json));

        Assert.Equal(field, ex.InvalidValue);
    }
}
