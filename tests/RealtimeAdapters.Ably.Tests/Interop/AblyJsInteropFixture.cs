using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Ably.Tests.Interop;

/// <summary>One in-process emulator (Ably front end, system clock) and one ably-js peer process shared by the interop tests.</summary>
public sealed class AblyJsInteropFixture : IAsyncLifetime
{
    private RealtimeEmulator? _emulator;
    private AblyJsPeer? _peer;
    private int _counter;

    public RealtimeEmulator Emulator => _emulator ?? throw new InvalidOperationException("Not initialised.");

    public AblyJsPeer Peer => _peer ?? throw new InvalidOperationException("Not initialised.");

    public async ValueTask InitializeAsync()
    {
        // Fail before starting anything when node or ably-js is missing, with the install hint.
        AblyJsPeer.Locate();
        _emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } });
        _peer = await AblyJsPeer.StartAsync(_emulator.AblyUrl, _emulator.AblyKeys[0]);
    }

    /// <summary>A name unique in this fixture (channels, ably-js client handles, client ids).</summary>
    public string Unique(string prefix) => $"{prefix}-{Interlocked.Increment(ref _counter)}";

    /// <summary>A C# client of the emulator.</summary>
    public AblyChannelClient CreateClient(string? clientId, bool binary) => new(new AblyChannelClientOptions
    {
        Endpoint = Emulator.AblyUrl,
        Key = Emulator.AblyKeys[0],
        ClientId = clientId,
        UseBinaryProtocol = binary,
    });

    public async ValueTask DisposeAsync()
    {
        if (_peer is not null)
        {
            await _peer.DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}
