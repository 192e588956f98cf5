namespace RealtimeAdapters.Ably.Protocol;

/// <summary>The <c>connectionDetails</c> of a CONNECTED message (CD2). Durations are milliseconds, sizes bytes.</summary>
public sealed record ConnectionDetails
{
    /// <summary>The connection's client id: <see langword="null"/>, a concrete id, or <c>*</c>.</summary>
    public string? ClientId { get; set; }

    public string? ConnectionKey { get; set; }

    public long? MaxMessageSize { get; set; }

    public long? MaxFrameSize { get; set; }

    public long? MaxInboundRate { get; set; }

    public long? ConnectionStateTtl { get; set; }

    public long? MaxIdleInterval { get; set; }

    public string? ServerId { get; set; }

    public string? SiteCode { get; set; }

    public long? ObjectsGCGracePeriod { get; set; }
}
