namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// One realtime frame (TR4). Absent fields are <see langword="null"/>; fields this implementation does not know
/// (<c>annotations</c>, …) are skipped when read.
/// </summary>
public sealed record ProtocolMessage
{
    /// <summary>What the frame is (TR2).</summary>
    public ProtocolAction Action { get; set; }

    /// <summary><c>connectionId:msgSerial</c>; the prefix of the ids of contained messages that have none.</summary>
    public string? Id { get; set; }

    /// <summary>AUTH: the new credential.</summary>
    public AuthDetails? Auth { get; set; }

    /// <summary>The channel the frame is about; absent for connection-wide frames.</summary>
    public string? Channel { get; set; }

    /// <summary>The position of the channel's latest message, for resuming an attachment (RTL15b).</summary>
    public string? ChannelSerial { get; set; }

    /// <summary>The connection's id; inherited by contained messages that have none.</summary>
    public string? ConnectionId { get; set; }

    /// <summary>Deprecated in favour of <see cref="ConnectionDetails"/>; still read and written.</summary>
    public string? ConnectionKey { get; set; }

    /// <summary>CONNECTED: the connection's limits and key (CD2).</summary>
    public ConnectionDetails? ConnectionDetails { get; set; }

    /// <summary>ACK/NACK: how many serials from <see cref="MsgSerial"/> are acknowledged.</summary>
    public int? Count { get; set; }

    /// <summary>Why an ERROR, NACK, DISCONNECTED, DETACHED or ATTACHED was sent (TI1).</summary>
    public ErrorInfo? Error { get; set; }

    /// <summary>Attach flags and channel modes (TR3).</summary>
    public ProtocolFlags? Flags { get; set; }

    /// <summary>The serial of a published frame, or the first serial an ACK/NACK covers.</summary>
    public long? MsgSerial { get; set; }

    /// <summary>MESSAGE: the messages.</summary>
    public IReadOnlyList<WireMessage>? Messages { get; set; }

    /// <summary>PRESENCE and SYNC: the presence messages.</summary>
    public IReadOnlyList<WirePresenceMessage>? Presence { get; set; }

    /// <summary>OBJECT and OBJECT_SYNC: the object messages (LiveObjects operations or states).</summary>
    public IReadOnlyList<LiveObjects.ObjectMessage>? State { get; set; }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long? Timestamp { get; set; }

    /// <summary>ATTACH/ATTACHED channel params (<c>rewind</c>, <c>delta</c>, …) and publish params.</summary>
    public IReadOnlyDictionary<string, string>? Params { get; set; }

    /// <summary>ACK results: one per acknowledged ProtocolMessage.</summary>
    public IReadOnlyList<PublishResult>? Res { get; set; }

    /// <summary>Whether <paramref name="flag"/> is set in <see cref="Flags"/>.</summary>
    public bool HasFlag(ProtocolFlags flag) => Flags is { } f && f.Has(flag);
}
