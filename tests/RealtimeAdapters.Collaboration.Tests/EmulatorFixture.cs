using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Collaboration.Tests;

/// <summary>One in-process emulator (Firebase and Ably front ends) shared by the tests of a class; each test uses its own namespace or channel.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private RealtimeEmulator? _emulator;

    public RealtimeEmulator Emulator => _emulator!;

    public async ValueTask InitializeAsync() =>
        _emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 }, Ably = { Enabled = true, Port = 0 } });

    public async ValueTask DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}
