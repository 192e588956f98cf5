using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;
using RealtimeAdapters.Emulator.Ably;

namespace RealtimeAdapters.Ably.Tests.Auth;

public sealed class TokenRequestSignerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public void ComputeMac_LiteralVector_MatchesPython()
    {
        // python3: base64(hmac.new(b's3cr3t', 'xVLyHw.abcdef\n3600000\n{"*":["*"]}\nbob\n1700000000000\n0123456789abcdef\n', sha256))
        var request = new TokenRequest
        {
            KeyName = "xVLyHw.abcdef",
            Ttl = 3_600_000,
            Capability = """{"*":["*"]}""",
            ClientId = "bob",
            Timestamp = 1_700_000_000_000,
            Nonce = "0123456789abcdef",
        };

        Assert.Equal("+qolwPCnbMKf4BDgPWKmdNuPPLfHeO5mISaZdcRhMyE=", TokenRequestSigner.ComputeMac(request, "s3cr3t"));
    }

    [Fact]
    public void ComputeMac_MissingFields_AreEmptyLines()
    {
        // The spec's example shape "app.key\n\n\nbob\n<ts>\n<nonce>\n", also checked with python3.
        var request = new TokenRequest { KeyName = "app.key", ClientId = "bob", Timestamp = 1_700_000_000_000, Nonce = "abcdefghijklmnop" };

        Assert.Equal("app.key\n\n\nbob\n1700000000000\nabcdefghijklmnop\n", TokenRequestSigner.GetSignedText(request));
        Assert.Equal("/d6ZzI0Ys911I6RvD2eEg3dnI5E3M/HIm/WPUGx8qQ4=", TokenRequestSigner.ComputeMac(request, "secret"));
    }

    [Fact]
    public void ComputeMac_EqualsIndependentHmac()
    {
        var request = Samples.TokenRequest();
        var text = "app.key\n3600000\n{\"*\":[\"*\"]}\nbob\n1700000000000\n0123456789abcdef\n";
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes("k3y"), Encoding.UTF8.GetBytes(text)));

        Assert.Equal(expected, TokenRequestSigner.ComputeMac(request, "k3y"));
    }

    [Fact]
    public void CreateSigned_VerifiesAndUsesCanonicalCapability()
    {
        var key = AblyApiKey.Parse("app.key:secret");
        var time = new FakeTimeProvider(Now);

        var request = TokenRequestSigner.CreateSigned(key, time, 60_000, """{ "b":["subscribe","publish"], "a":["*"] }""", "bob");

        Assert.Equal("""{"a":["*"],"b":["publish","subscribe"]}""", request.Capability);
        Assert.Equal(Now.ToUnixTimeMilliseconds(), request.Timestamp);
        Assert.Equal(16, request.Nonce!.Length);
        Assert.True(TokenRequestVerifier.VerifyMac(request, key.Secret));
        Assert.False(TokenRequestVerifier.VerifyMac(request with { ClientId = "eve" }, key.Secret));
        Assert.False(TokenRequestVerifier.VerifyMac(request, "other"));
        TokenRequestVerifier.ValidateSigned(request, key, time);
    }

    [Fact]
    public void CreateNonce_IsRandom()
    {
        Assert.NotEqual(TokenRequestSigner.CreateNonce(), TokenRequestSigner.CreateNonce());
    }

    [Theory]
    [InlineData(-121_000, AblyErrorCodes.TimestampOutOfWindow)]
    [InlineData(121_000, AblyErrorCodes.TimestampOutOfWindow)]
    public void ValidateSigned_TimestampOutsideWindow_Throws40104(long offsetMs, int code)
    {
        var key = AblyApiKey.Parse("app.key:secret");
        var request = TokenRequestSigner.CreateSigned(key, new FakeTimeProvider(Now));

        var ex = Assert.Throws<AblyProtocolException>(() => TokenRequestVerifier.ValidateSigned(request, key, new FakeTimeProvider(Now.AddMilliseconds(offsetMs))));

        Assert.Equal(code, ex.Error.Code);
    }

    [Fact]
    public void ValidateSigned_WithinWindow_Passes()
    {
        var key = AblyApiKey.Parse("app.key:secret");
        var request = TokenRequestSigner.CreateSigned(key, new FakeTimeProvider(Now));

        TokenRequestVerifier.ValidateSigned(request, key, new FakeTimeProvider(Now.AddSeconds(119)));
    }

    [Fact]
    public void ValidateSigned_BadMacOrKey_Throws40101WithoutSecret()
    {
        var key = AblyApiKey.Parse("app.key:topsecretvalue");
        var request = TokenRequestSigner.CreateSigned(key, new FakeTimeProvider(Now)) with { Mac = "AAAA" };

        var badMac = Assert.Throws<AblyProtocolException>(() => TokenRequestVerifier.ValidateSigned(request, key, new FakeTimeProvider(Now)));
        var badKey = Assert.Throws<AblyProtocolException>(() => TokenRequestVerifier.ValidateSigned(request with { KeyName = "app.other" }, key, new FakeTimeProvider(Now)));

        Assert.Equal(AblyErrorCodes.InvalidCredential, badMac.Error.Code);
        Assert.Equal(AblyErrorCodes.InvalidCredential, badKey.Error.Code);
        Assert.DoesNotContain("topsecretvalue", badMac.Message, StringComparison.Ordinal);
    }
}
