using System.Collections.Concurrent;
using RealtimeAdapters.Ably.Protocol.LiveObjects;

namespace RealtimeAdapters.Emulator.Ably.LiveObjects;

/// <summary>
/// Every channel's LiveObjects on one emulator; kept for the emulator's lifetime, across connections and resumes. Collects
/// garbage on the emulator's clock every <see cref="ObjectsCollection.Interval"/>: unreachable objects are deleted and
/// tombstones older than <see cref="GracePeriod"/> (announced to clients as <c>objectsGCGracePeriod</c>) dropped.
/// </summary>
internal sealed class ObjectsHub : IDisposable
{
    private readonly ConcurrentDictionary<string, ChannelObjects> _channels = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ITimer _collector;

    public ObjectsHub(TimeProvider time)
    {
        _time = time;
        _collector = time.CreateTimer(static s => ((ObjectsHub)s!).CollectGarbage(), this, ObjectsCollection.Interval, ObjectsCollection.Interval);
    }

    /// <summary>How long tombstones are kept: the service's default, 24 hours.</summary>
    public static TimeSpan GracePeriod => ObjectsCollection.DefaultGracePeriod;

    public ChannelObjects Get(string channel) => _channels.GetOrAdd(channel, static (name, t) => new ChannelObjects(name, t), _time);

    /// <summary>The channel's objects if any client used them, else null.</summary>
    public ChannelObjects? Find(string channel) => _channels.GetValueOrDefault(channel);

    public void CollectGarbage()
    {
        foreach (var channel in _channels.Values)
        {
            channel.CollectGarbage(GracePeriod);
        }
    }

    public void Dispose() => _collector.Dispose();
}
