using Microsoft.Extensions.Configuration;
using SampleBackends;

namespace RealtimeAdapters.Samples.Tests;

/// <summary>The samples' backends with an emulator in this process, shared by the tests of a class.</summary>
public sealed class BackendsFixture : IAsyncLifetime
{
    private Backends? _backends;

    public Backends Backends => _backends ?? throw new InvalidOperationException("Not initialised.");

    public async ValueTask InitializeAsync() =>
        _backends = await Backends.StartAsync(new ConfigurationBuilder().AddInMemoryCollection().Build());

    public async ValueTask DisposeAsync()
    {
        if (_backends is not null)
        {
            await _backends.DisposeAsync();
        }
    }
}
