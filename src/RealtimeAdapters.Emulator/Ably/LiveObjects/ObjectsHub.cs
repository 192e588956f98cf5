using System.Collections.Concurrent;

namespace RealtimeAdapters.Emulator.Ably.LiveObjects;

/// <summary>Every channel's LiveObjects on one emulator; kept for the emulator's lifetime, across connections and resumes.</summary>
internal sealed class ObjectsHub(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ChannelObjects> _channels = new(StringComparer.Ordinal);

    public ChannelObjects Get(string channel) => _channels.GetOrAdd(channel, static (name, t) => new ChannelObjects(name, t), time);
}
