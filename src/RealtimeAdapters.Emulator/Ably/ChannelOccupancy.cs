using System.Text.Json;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>
/// A channel's occupancy as the emulator counts it — the connections attached (each allowed to publish and subscribe) and
/// the presence set — written as the <c>status</c> of a ChannelDetails (<c>GET /channels/{name}</c>, lifecycle and
/// occupancy webhooks).
/// </summary>
internal readonly record struct ChannelOccupancy(int Connections, int PresenceConnections, int PresenceMembers)
{
    /// <summary>Whether anyone is attached or present.</summary>
    public bool IsOccupied => Connections > 0 || PresenceMembers > 0;

    public static ChannelOccupancy Of(AblyServer server, string channel)
    {
        var members = server.Hub.GetPresence(channel);
        return new(
            server.Connections.Values.Count(c => c.IsAttached(channel)),
            members.Select(static m => m.ConnectionId).Distinct().Count(),
            members.Count);
    }

    /// <summary>Writes <c>"status":{"isActive",...,"occupancy":{"metrics":{...}}}</c>.</summary>
    public void WriteStatus(Utf8JsonWriter w, bool isActive)
    {
        w.WriteStartObject("status");
        w.WriteBoolean("isActive", isActive);
        w.WriteStartObject("occupancy");
        w.WriteStartObject("metrics");
        w.WriteNumber("connections", Connections);
        w.WriteNumber("presenceConnections", PresenceConnections);
        w.WriteNumber("presenceMembers", PresenceMembers);
        w.WriteNumber("presenceSubscribers", Connections);
        w.WriteNumber("publishers", Connections);
        w.WriteNumber("subscribers", Connections);
        w.WriteNumber("objectPublishers", 0);
        w.WriteNumber("objectSubscribers", 0);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
