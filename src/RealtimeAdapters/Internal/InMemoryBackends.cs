using System.Collections.Concurrent;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Internal;

/// <summary>The named in-memory databases and hubs of one container, shared by the registrations that name them.</summary>
internal sealed class InMemoryBackends
{
    private readonly ConcurrentDictionary<string, Lazy<InMemoryDatabase>> _databases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<InMemoryChannelHub>> _hubs = new(StringComparer.Ordinal);

    public InMemoryDatabase GetDatabase(string name, Func<InMemoryDatabase> create) =>
        _databases.GetOrAdd(name, static (_, c) => new Lazy<InMemoryDatabase>(c), create).Value;

    public InMemoryChannelHub GetHub(string name, Func<InMemoryChannelHub> create) =>
        _hubs.GetOrAdd(name, static (_, c) => new Lazy<InMemoryChannelHub>(c), create).Value;
}
