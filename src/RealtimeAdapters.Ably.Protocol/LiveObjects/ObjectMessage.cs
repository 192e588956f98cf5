using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>
/// An object message (OM2), carried in a ProtocolMessage's <c>state</c>: an <see cref="Operation"/> (OBJECT) or an
/// <see cref="Object"/> state (OBJECT_SYNC), with the serial and site the service ordered it by.
/// </summary>
public sealed record ObjectMessage
{
    public string? Id { get; init; }

    public string? ClientId { get; init; }

    public string? ConnectionId { get; init; }

    public long? Timestamp { get; init; }

    public ObjectOperation? Operation { get; init; }

    public ObjectState? Object { get; init; }

    public string? Serial { get; init; }

    public long? SerialTimestamp { get; init; }

    public string? SiteCode { get; init; }

    public JsonElement? Extras { get; init; }
}
