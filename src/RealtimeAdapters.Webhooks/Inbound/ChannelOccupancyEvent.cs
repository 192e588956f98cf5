namespace RealtimeAdapters.Webhooks;

/// <summary>
/// A channel's occupancy changed (<c>channel.occupancy</c>): how many connections are attached and what they may do, and
/// how many presence members there are. Counts the delivery does not carry are 0.
/// </summary>
/// <param name="Channel">The channel name.</param>
/// <param name="Timestamp">When it was measured.</param>
public sealed record ChannelOccupancyEvent(string Channel, DateTimeOffset? Timestamp)
{
    /// <summary>Connections attached to the channel.</summary>
    public long Connections { get; init; }

    /// <summary>Attached connections allowed to publish.</summary>
    public long Publishers { get; init; }

    /// <summary>Attached connections allowed to subscribe to messages.</summary>
    public long Subscribers { get; init; }

    /// <summary>Connections with members in the presence set.</summary>
    public long PresenceConnections { get; init; }

    /// <summary>Members in the presence set.</summary>
    public long PresenceMembers { get; init; }

    /// <summary>Attached connections allowed to subscribe to presence events.</summary>
    public long PresenceSubscribers { get; init; }

    /// <summary>Attached connections allowed to publish LiveObjects operations.</summary>
    public long ObjectPublishers { get; init; }

    /// <summary>Attached connections allowed to subscribe to LiveObjects.</summary>
    public long ObjectSubscribers { get; init; }
}
