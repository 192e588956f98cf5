using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Ably.Tests.Interop;

/// <summary>One in-process emulator (Ably front end, system clock) and one ably-js peer process shared by the interop tests.</summary>
public sealed class AblyJsInteropFixture : IAsyncLifetime
{
    private RealtimeEmulator? _emulator;
    private AblyJsPeer? _peer;
    private int _counter;

    private string? _missing;

    /// <summary>
    /// Set by CI (<c>.ci/run</c>), which installs ably-js before the tests: a missing node or ably-js then fails the
    /// tests instead of skipping them.
    /// </summary>
    public const string RequireVariable = "REALTIME_REQUIRE_INTEROP";

    public RealtimeEmulator Emulator => EnsureAvailable(_emulator);

    public AblyJsPeer Peer => EnsureAvailable(_peer);

    private T EnsureAvailable<T>(T? value)
        where T : class
    {
        if (_missing is { } reason)
        {
            if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
            {
                Assert.Fail(reason);
            }

            // A fresh clone without `npm ci --prefix tests/interop` (the README's test command alone) skips these, saying why.
            Assert.Skip(reason);
        }

        return value ?? throw new InvalidOperationException("Not initialised.");
    }

    public async ValueTask InitializeAsync()
    {
        // Nothing starts when node or ably-js is missing; each test then skips (or fails under CI) with the install hint.
        try
        {
            AblyJsPeer.Locate();
        }
        catch (InvalidOperationException ex)
        {
            _missing = ex.Message;
            return;
        }

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
