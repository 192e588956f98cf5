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
    public void Parse_BadArguments_Error(string[] args, string expected)
    {
        var result = EmulatorCommandLine.Parse(args);
        Assert.Null(result.Options);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }
}
