using Microsoft.Extensions.Hosting;

namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// A host lifetime that does nothing: the in-process emulator must not take over the test process's Ctrl+C and SIGTERM
/// handling (the default console lifetime would). The command-line program handles signals itself.
/// </summary>
internal sealed class EmulatorHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
