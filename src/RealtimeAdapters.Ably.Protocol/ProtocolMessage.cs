namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// One realtime frame (TR4). Absent fields are <see langword="null"/>; fields this implementation does not know
/// (<c>annotations</c>, …) are skipped when read.
/// </summary>
public sealed record ProtocolMessage
{
    public ProtocolAction Action { get; set; }

    /// <summary><c>connectionId:msgSerial</c>; the prefix of the ids of contained messages that have none.</summary>
    public string? Id { get; set; }

    public AuthDetails? Auth { get; set; }

    public string? Channel { get; set; }

    public string? ChannelSerial { get; set; }

    public string? ConnectionId { get; set; }

    /// <summary>Deprecated in favour of <see cref="ConnectionDetails"/>; still read and written.</summary>
    public string? ConnectionKey { get; set; }

    public ConnectionDetails? ConnectionDetails { get; set; }

    /// <summary>ACK/NACK: how many serials from <see cref="MsgSerial"/> are acknowledged.</summary>
    public int? Count { get; set; }

    public ErrorInfo? Error { get; set; }

    public ProtocolFlags? Flags { get; set; }

    public long? MsgSerial { get; set; }

    public IReadOnlyList<WireMessage>? Messages { get; set; }

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
