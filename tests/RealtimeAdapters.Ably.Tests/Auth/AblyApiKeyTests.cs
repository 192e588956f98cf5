using System.Text;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Tests.Auth;

public sealed class AblyApiKeyTests
{
    [Fact]
    public void Parse_ValidKey_SplitsParts()
    {
        var key = AblyApiKey.Parse("xVLyHw.abcdef:s3cr3t:with:colons");

        Assert.Equal("xVLyHw", key.AppId);
        Assert.Equal("abcdef", key.KeyId);
        Assert.Equal("xVLyHw.abcdef", key.KeyName);
        Assert.Equal("s3cr3t:with:colons", key.Secret);
        Assert.Equal("xVLyHw.abcdef:s3cr3t:with:colons", key.ToKeyString());
    }

    [Fact]
    public void BasicAuthorizationValue_IsBase64OfKeyNameAndSecret()
    {
        var key = AblyApiKey.Parse("app.key:secret");

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("app.key:secret")), key.BasicAuthorizationValue);
        Assert.Equal("Basic YXBwLmtleTpzZWNyZXQ=", key.BasicAuthorizationValue);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("app.key")]
    [InlineData("appkey:topsecretvalue")]
    [InlineData(".key:topsecretvalue")]
    [InlineData("app.:topsecretvalue")]
    [InlineData("a.b.c:topsecretvalue")]
    [InlineData("app.key:")]
    [InlineData("app.key:top secretvalue")]
    public void Parse_Malformed_Throws40005WithoutSecret(string? text)
    {
        var ex = Assert.Throws<RealtimeAuthenticationException>(() => AblyApiKey.Parse(text));

        Assert.Equal("40005", ex.ErrorCode);
        Assert.Equal(400, ex.StatusCode);
        Assert.DoesNotContain("topsecretvalue", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secretvalue", ex.Message, StringComparison.Ordinal);
        Assert.False(AblyApiKey.TryParse(text, out _));
    }

    [Fact]
    public void ToString_HidesSecret()
    {
        var key = AblyApiKey.Parse("app.key:topsecretvalue");

        Assert.Equal("app.key:***", key.ToString());
    }
}
