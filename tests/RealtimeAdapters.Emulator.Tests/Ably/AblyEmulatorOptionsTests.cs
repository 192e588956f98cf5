namespace RealtimeAdapters.Emulator.Tests.Ably;

public class AblyEmulatorOptionsTests
{
    [Theory]
    [InlineData("no-colon")]
    [InlineData("app.key:secret={not json")]
    public void Validate_BadKey_ThrowsNamingKeys(string key)
    {
        var options = new EmulatorOptions { Ably = { Enabled = true } };
        options.Ably.Keys.Add(key);
        var error = Assert.Throws<RealtimeValidationException>(options.Validate);
        Assert.Equal("Ably.Keys", error.InvalidValue);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadPort_Throws()
    {
        var options = new EmulatorOptions { Ably = { Port = 70000 } };
        Assert.Throws<RealtimeValidationException>(options.Validate);
    }

    [Fact]
    public async Task StartAsync_NoKeys_OneFullAccessDefaultKey()
    {
        await using var emulator = await RealtimeEmulator.StartAsync(
            new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } }, TestContext.Current.CancellationToken);
        Assert.Equal([AblyEmulatorOptions.DefaultKey], emulator.AblyKeys);
        Assert.Equal("http", emulator.AblyUrl.Scheme);
        Assert.NotEqual(0, emulator.AblyUrl.Port);
        Assert.Throws<InvalidOperationException>(() => emulator.FirebaseUrl);
    }
}
