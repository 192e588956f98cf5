namespace RealtimeAdapters.Ably.Protocol;

/// <summary>The <c>connectionDetails</c> of a CONNECTED message (CD2). Durations are milliseconds, sizes bytes.</summary>
public sealed record ConnectionDetails
{
    /// <summary>The connection's client id: <see langword="null"/>, a concrete id, or <c>*</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>The key a client resumes (<c>resume</c>) or recovers the connection with.</summary>
    public string? ConnectionKey { get; set; }

    /// <summary>The largest message (TM6) the connection may publish, in bytes.</summary>
    public long? MaxMessageSize { get; set; }

    /// <summary>The largest frame the server accepts, in bytes.</summary>
    public long? MaxFrameSize { get; set; }

    /// <summary>The most messages per second the connection may publish.</summary>
    public long? MaxInboundRate { get; set; }

    /// <summary>How long (ms) the connection state is kept after a disconnection; after it a resume fails.</summary>
    public long? ConnectionStateTtl { get; set; }

    /// <summary>The longest time (ms) the server lets pass without sending anything (heartbeats included).</summary>
    public long? MaxIdleInterval { get; set; }

    /// <summary>The id of the server that holds the connection.</summary>
    public string? ServerId { get; set; }

    /// <summary>The site of the server; object serials are compared per site (CD2j).</summary>
    public string? SiteCode { get; set; }

    /// <summary>How long (ms) LiveObjects tombstones are kept before collection (CD2i).</summary>
    public long? ObjectsGCGracePeriod { get; set; }
}
