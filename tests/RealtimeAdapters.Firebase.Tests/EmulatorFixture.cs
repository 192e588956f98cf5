using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Firebase.Tests;

/// <summary>One emulator shared by the tests of a class; each test uses its own namespace.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private RealtimeEmulator? _emulator;

    public RealtimeEmulator Emulator => _emulator!;

    public async ValueTask InitializeAsync() => _emulator = await TestSupport.StartEmulatorAsync();

    public async ValueTask DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}
