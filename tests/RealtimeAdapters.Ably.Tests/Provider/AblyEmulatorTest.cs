using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>A test class with its own Ably emulator per test, and client options pointing at it.</summary>
public abstract class AblyEmulatorTest : IAsyncLifetime
{
    protected static readonly TimeSpan Wait = StateStreams.Wait;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected RealtimeEmulator Emulator { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } }, Ct);

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Options of a client of this test's emulator.</summary>
    protected AblyChannelClientOptions ClientOptions(TimeProvider? time = null, string? clientId = null, bool binary = false) => new()
    {
        Endpoint = Emulator.AblyUrl,
        Key = Emulator.AblyKeys[0],
        ClientId = clientId,
        UseBinaryProtocol = binary,
        TimeProvider = time ?? TimeProvider.System,
        RealtimeRequestTimeout = Wait,
    };
}
