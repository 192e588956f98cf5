using RealtimeAdapters.Emulator.Hosting;

namespace RealtimeAdapters.Emulator.Tests.Hosting;

public class EmulatorCommandLineTests
{
    [Fact]
    public void Parse_NoArguments_Defaults()
    {
        var result = EmulatorCommandLine.Parse([]);
        Assert.Null(result.Error);
        Assert.Equal("127.0.0.1", result.Options!.Host);
        Assert.Equal(9000, result.Options.Firebase.Port);
        Assert.Null(result.Options.Firebase.RulesFile);
        Assert.Equal(TimeSpan.FromSeconds(30), result.Options.Firebase.KeepAliveInterval);
    }

    [Fact]
    public void Parse_AllOptions_Applied()
    {
        var result = EmulatorCommandLine.Parse(
        [
            "--host", "0.0.0.0", "--firebase-port=0", "--firebase-rules", "rules.json", "--firebase-keepalive", "2.5",
            "--firebase-max-body", "1024", "--firebase-namespace", "demo", "--firebase-token-secret-file", "secret.txt", "--verbose",
        ]);
        Assert.Null(result.Error);
        var options = result.Options!;
        Assert.Equal("0.0.0.0", options.Host);
        Assert.Equal(0, options.Firebase.Port);
        Assert.Equal("rules.json", options.Firebase.RulesFile);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.Firebase.KeepAliveInterval);
        Assert.Equal(1024, options.Firebase.MaxRequestBodySize);
        Assert.Equal("demo", options.Firebase.DefaultNamespace);
        Assert.Equal("secret.txt", result.TokenSecretFile);
        Assert.True(result.Verbose);
    }

    [Fact]
    public void Parse_Limits_Applied_AndNoneByDefault()
    {
        var defaults = EmulatorCommandLine.Parse([]).Options!;
        var result = EmulatorCommandLine.Parse(
        [
            "--ably-port", "0", "--firebase-port", "0",
            "--firebase-max-connections-per-ip", "10", "--firebase-idle-timeout", "120",
            "--ably-max-connections-per-ip=20", "--ably-max-rate-per-connection", "50", "--ably-max-rate-per-channel", "12.5", "--ably-max-protocol-rate", "100",
            "--ably-max-message", "1000", "--ably-max-frame", "2000", "--ably-max-body", "3000", "--ably-idle-timeout", "30",
            "--ably-webhook-channel-idle", "15",
        ]);

        Assert.Null(result.Error);
        var options = result.Options!;
        Assert.Equal(10, options.Firebase.MaxConnectionsPerIp);
        Assert.Equal(TimeSpan.FromSeconds(120), options.Firebase.IdleTimeout);
        Assert.Equal(20, options.Ably.MaxConnectionsPerIp);
        Assert.Equal(50, options.Ably.MaxMessagesPerSecondPerConnection);
        Assert.Equal(12.5, options.Ably.MaxMessagesPerSecondPerChannel);
        Assert.Equal(100, options.Ably.MaxProtocolMessagesPerSecond);
        Assert.Equal(1000, options.Ably.MaxMessageSize);
        Assert.Equal(2000, options.Ably.MaxFrameSize);
        Assert.Equal(3000, options.Ably.MaxRequestBodySize);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Ably.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), options.Ably.WebhookChannelIdle);
        Assert.Equal(TimeSpan.FromMinutes(2), defaults.Ably.WebhookChannelIdle);
        Assert.Equal(0, defaults.Firebase.MaxConnectionsPerIp);
        Assert.Null(defaults.Firebase.IdleTimeout);
        Assert.Equal(0, defaults.Ably.MaxConnectionsPerIp);
        Assert.Equal(0, defaults.Ably.MaxMessagesPerSecondPerConnection);
        Assert.Equal(0, defaults.Ably.MaxMessagesPerSecondPerChannel);
        Assert.Equal(0, defaults.Ably.MaxProtocolMessagesPerSecond);
        Assert.Equal(AblyEmulatorOptions.DefaultMaxFrameSize, defaults.Ably.MaxFrameSize);
        Assert.Null(defaults.Ably.IdleTimeout);
        foreach (var flag in new[] { "--firebase-max-connections-per-ip", "--firebase-idle-timeout", "--ably-max-rate-per-channel", "--ably-max-frame", "--ably-idle-timeout", "--ably-webhook-channel-idle" })
        {
            Assert.Contains(flag, EmulatorCommandLine.Usage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Parse_Help_ShowHelp(string arg)
    {
        var result = EmulatorCommandLine.Parse(["--firebase-port", "1", arg]);
        Assert.True(result.ShowHelp);
        Assert.Contains("--firebase-port", EmulatorCommandLine.Usage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--ably-prt", "1" }, "Unknown option --ably-prt")]
    [InlineData(new[] { "--firebase-port" }, "--firebase-port needs a port number")]
    [InlineData(new[] { "--firebase-port", "70000" }, "--firebase-port needs a port number")]
    [InlineData(new[] { "--firebase-port", "-1" }, "--firebase-port needs a port number")]
    [InlineData(new[] { "--host", "example.com" }, "--host needs an IP address")]
    [InlineData(new[] { "--firebase-keepalive", "0" }, "--firebase-keepalive needs")]
    [InlineData(new[] { "--firebase-namespace", "a b" }, "--firebase-namespace needs a name")]
    [InlineData(new[] { "stray" }, "Unexpected argument")]
    [InlineData(new[] { "--verbose=yes" }, "--verbose takes no value")]
    [InlineData(new[] { "--firebase-max-connections-per-ip", "-1" }, "--firebase-max-connections-per-ip needs a number of connections")]
    [InlineData(new[] { "--ably-max-connections-per-ip", "many" }, "--ably-max-connections-per-ip needs a number of connections")]
    [InlineData(new[] { "--firebase-keepalive", "NaN" }, "--firebase-keepalive needs")]
    [InlineData(new[] { "--firebase-idle-timeout", "NaN" }, "--firebase-idle-timeout needs a number of seconds")]
    [InlineData(new[] { "--firebase-idle-timeout", "0" }, "--firebase-idle-timeout needs a number of seconds")]
    [InlineData(new[] { "--ably-idle-timeout" }, "--ably-idle-timeout needs a number of seconds")]
    [InlineData(new[] { "--ably-webhook-channel-idle", "-1" }, "--ably-webhook-channel-idle needs a number of seconds")]
    [InlineData(new[] { "--ably-max-rate-per-connection", "-5" }, "--ably-max-rate-per-connection needs a number of messages per second")]
    [InlineData(new[] { "--ably-max-rate-per-channel", "NaN" }, "--ably-max-rate-per-channel needs a number of messages per second")]
    [InlineData(new[] { "--ably-max-frame", "0" }, "--ably-max-frame needs a positive number of bytes")]
    [InlineData(new[] { "--ably-max-body", "99999999999" }, "--ably-max-body needs a positive number of bytes")]
    public void Parse_BadArguments_Error(string[] args, string expected)
    {
        var result = EmulatorCommandLine.Parse(args);
        Assert.Null(result.Options);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }
}
