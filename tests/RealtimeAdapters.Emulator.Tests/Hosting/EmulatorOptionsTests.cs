using RealtimeAdapters.Emulator.Tests.Infrastructure;

namespace RealtimeAdapters.Emulator.Tests.Hosting;

public class EmulatorOptionsTests
{
    [Theory]
    [InlineData("Host")]
    [InlineData("Firebase.Port")]
    [InlineData("Firebase.KeepAliveInterval")]
    [InlineData("Firebase.SplitMessageTimeout")]
    [InlineData("Firebase.MaxRequestBodySize")]
    [InlineData("Firebase.DefaultNamespace")]
    [InlineData("Firebase.RulesFile")]
    [InlineData("Firebase.MaxConnectionsPerIp")]
    [InlineData("Firebase.IdleTimeout")]
    [InlineData("Ably.MaxFrameSize")]
    [InlineData("Ably.MaxConnectionsPerIp")]
    [InlineData("Ably.MaxMessagesPerSecondPerConnection")]
    [InlineData("Ably.IdleTimeout")]
    public async Task StartAsync_InvalidSetting_ValidationExceptionNamingIt(string setting)
    {
        var options = new EmulatorOptions { Firebase = { Port = 0 } };
        switch (setting)
        {
            case "Host": options.Host = "not-an-address"; break;
            case "Firebase.Port": options.Firebase.Port = 70000; break;
            case "Firebase.KeepAliveInterval": options.Firebase.KeepAliveInterval = TimeSpan.Zero; break;
            case "Firebase.SplitMessageTimeout": options.Firebase.SplitMessageTimeout = TimeSpan.Zero; break;
            case "Firebase.MaxRequestBodySize": options.Firebase.MaxRequestBodySize = 0; break;
            case "Firebase.DefaultNamespace": options.Firebase.DefaultNamespace = "a/b"; break;
            case "Firebase.MaxConnectionsPerIp": options.Firebase.MaxConnectionsPerIp = -1; break;
            case "Firebase.IdleTimeout": options.Firebase.IdleTimeout = TimeSpan.Zero; break;
            case "Ably.MaxFrameSize": options.Ably.MaxFrameSize = 0; break;
            case "Ably.MaxConnectionsPerIp": options.Ably.MaxConnectionsPerIp = -1; break;
            case "Ably.MaxMessagesPerSecondPerConnection": options.Ably.MaxMessagesPerSecondPerChannel = double.NaN; break;
            case "Ably.IdleTimeout": options.Ably.IdleTimeout = TimeSpan.FromSeconds(-1); break;
            case "Firebase.RulesFile":
                options.Firebase.Rules = "{}";
                options.Firebase.RulesFile = "x.json";
                break;
        }

        var error = await Assert.ThrowsAsync<RealtimeValidationException>(() => RealtimeEmulator.StartAsync(options, TestContext.Current.CancellationToken));
        Assert.Equal(setting, error.InvalidValue);
    }

    [Fact]
    public async Task FirebaseUrl_LoopbackWithChosenPort_AndDisabledFrontEndThrows()
    {
        await using var host = await EmulatorHost.StartAsync();
        Assert.Equal("127.0.0.1", host.Emulator.FirebaseUrl.Host);
        Assert.NotEqual(0, host.Emulator.FirebaseUrl.Port);
        Assert.Throws<RealtimeValidationException>(() => host.Emulator.GetFirebaseDatabase("bad name"));

        await using var disabled = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Enabled = false } }, TestContext.Current.CancellationToken);
        Assert.Throws<InvalidOperationException>(() => disabled.FirebaseUrl);
    }

    [Fact]
    public async Task DisposeAsync_Twice_NoError_PortReleased()
    {
        var host = await EmulatorHost.StartAsync();
        var port = host.Emulator.FirebaseUrl.Port;
        await host.DisposeAsync();
        await host.Emulator.DisposeAsync();
        await using var again = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = port } }, TestContext.Current.CancellationToken);
        Assert.Equal(port, again.FirebaseUrl.Port);
    }
}
