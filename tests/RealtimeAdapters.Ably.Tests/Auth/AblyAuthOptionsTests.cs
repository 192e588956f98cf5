using System.ComponentModel.DataAnnotations;

namespace RealtimeAdapters.Ably.Tests.Auth;

public sealed class AblyAuthOptionsTests
{
    private const string Secret = "s3cr3t-value";

    private static AblyChannelClientOptions Options(Action<AblyChannelClientOptions> configure)
    {
        var options = new AblyChannelClientOptions { Endpoint = new Uri("https://example.com/") };
        configure(options);
        return options;
    }

    private static ValueTask<AblyAuthResult> Callback(AblyTokenParams p, CancellationToken ct) => ValueTask.FromResult(AblyAuthResult.FromToken("t"));

    [Fact]
    public void Defaults_AreUnchanged()
    {
        var options = new AblyChannelClientOptions();

        Assert.Equal("Ably", AblyChannelClientOptions.ConfigurationSection);
        Assert.True(options.EchoMessages);
        Assert.True(options.QueueMessages);
        Assert.False(options.UseTokenAuth);
        Assert.Null(options.TokenParams);
        Assert.Same(TimeProvider.System, options.TimeProvider);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RealtimeRequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.HttpRequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), options.DisconnectedRetryTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.SuspendedRetryTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ChannelRetryTimeout);
    }

    [Fact]
    public void Validate_NoCredentials_ThrowsAuthentication40005NamingTheOptions()
    {
        var ex = Assert.Throws<RealtimeAuthenticationException>(() => Options(_ => { }).Validate());

        Assert.Equal("40005", ex.ErrorCode);
        Assert.Contains("Key, Token, AuthCallback or AuthUrl", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EachCredentialAlone_IsEnough()
    {
        Options(o => o.Key = "app.key:" + Secret).Validate();
        Options(o => o.Token = "some-token").Validate();
        Options(o => o.AuthCallback = Callback).Validate();
        Options(o => { o.Key = "app.key:" + Secret; o.UseTokenAuth = true; }).Validate();
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("line\nbreak")]
    public void Validate_MalformedToken_Throws40005WithoutTheToken(string token)
    {
        var ex = Assert.Throws<RealtimeAuthenticationException>(() => Options(o => o.Token = token).Validate());

        Assert.Equal("40005", ex.ErrorCode);
        Assert.Contains("Token", ex.Message, StringComparison.Ordinal);
        if (token.Length > 0)
        {
            Assert.DoesNotContain(token, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("http://example.com/")]
    [InlineData("ws://example.com/")]
    public void Validate_BasicAuthOverPlainTextToRemoteHost_Throws40103WithoutSecret(string endpoint)
    {
        var ex = Assert.Throws<RealtimeValidationException>(() => Options(o => { o.Endpoint = new Uri(endpoint); o.Key = "app.key:" + Secret; }).Validate());

        Assert.Equal("40103", ex.ErrorCode);
        Assert.Equal("Key", ex.InvalidValue);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("ws://localhost/")]
    public void Validate_BasicAuthToLoopback_IsAllowed(string endpoint) =>
        Options(o => { o.Endpoint = new Uri(endpoint); o.Key = "app.key:" + Secret; }).Validate();

    [Fact]
    public void Validate_TokenAuthOverPlainText_IsAllowed()
    {
        Options(o => { o.Endpoint = new Uri("http://example.com/"); o.Key = "app.key:" + Secret; o.UseTokenAuth = true; }).Validate();
        Options(o => { o.Endpoint = new Uri("http://example.com/"); o.AuthCallback = Callback; }).Validate();
    }

    [Theory]
    [InlineData("*")]
    [InlineData("")]
    public void Validate_InvalidClientId_Throws40012(string clientId)
    {
        var ex = Assert.Throws<RealtimeValidationException>(() => Options(o => { o.Token = "t"; o.ClientId = clientId; }).Validate());

        Assert.Equal("40012", ex.ErrorCode);
        Assert.Equal("ClientId", ex.InvalidValue);
    }

    [Theory]
    [InlineData("not json", "TokenParams.Capability")]
    [InlineData("""{"chan":["fly"]}""", "TokenParams.Capability")]
    [InlineData("{}", "TokenParams.Capability")]
    public void Validate_InvalidTokenParamsCapability_NamesIt(string capability, string option)
    {
        var ex = Assert.Throws<RealtimeValidationException>(() =>
            Options(o => { o.AuthCallback = Callback; o.TokenParams = new AblyTokenParams { Capability = capability }; }).Validate());

        Assert.Equal(option, ex.InvalidValue);
        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NonPositiveTokenTtl_NamesIt()
    {
        var ex = Assert.Throws<RealtimeValidationException>(() =>
            Options(o => { o.AuthCallback = Callback; o.TokenParams = new AblyTokenParams { Ttl = TimeSpan.Zero }; }).Validate());

        Assert.Equal("TokenParams.Ttl", ex.InvalidValue);
    }

    [Fact]
    public void Validate_TokenParamsClientIdDiffersFromClientId_Throws40102()
    {
        var ex = Assert.Throws<RealtimeValidationException>(() =>
            Options(o => { o.AuthCallback = Callback; o.ClientId = "alice"; o.TokenParams = new AblyTokenParams { ClientId = "bob" }; }).Validate());

        Assert.Equal("40102", ex.ErrorCode);
        Assert.Equal("TokenParams.ClientId", ex.InvalidValue);
    }

    [Fact]
    public void Validate_WildcardTokenParamsClientId_IsAllowed() =>
        Options(o => { o.AuthCallback = Callback; o.ClientId = "alice"; o.TokenParams = new AblyTokenParams { ClientId = "*", Capability = """{"*":["subscribe"]}""" }; }).Validate();

    [Fact]
    public void Validate_NonPositiveTimeout_NamesIt()
    {
        var ex = Assert.Throws<RealtimeValidationException>(() => Options(o => { o.Token = "t"; o.HttpRequestTimeout = TimeSpan.Zero; }).Validate());

        Assert.Equal("HttpRequestTimeout", ex.InvalidValue);
    }

    [Fact]
    public void ValidatableObject_ReportsEveryProblemWithItsMember()
    {
        var options = new AblyChannelClientOptions { Endpoint = new Uri("ftp://x/"), ClientId = "*", TokenParams = new AblyTokenParams { Ttl = TimeSpan.FromSeconds(-1) } };

        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));

        Assert.Equal(["Endpoint", "Key", "ClientId", "TokenParams:Ttl"], results.Select(r => r.MemberNames.Single()));
    }
}
