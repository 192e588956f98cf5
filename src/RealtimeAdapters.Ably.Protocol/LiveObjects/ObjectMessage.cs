using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>
/// An object message (OM2), carried in a ProtocolMessage's <c>state</c>: an <see cref="Operation"/> (OBJECT) or an
/// <see cref="Object"/> state (OBJECT_SYNC), with the serial and site the service ordered it by.
/// </summary>
public sealed record ObjectMessage
{
    /// <summary>The message id (OM2a).</summary>
    public string? Id { get; init; }

    /// <summary>The client id of the publisher.</summary>
    public string? ClientId { get; init; }

    /// <summary>The connection of the publisher.</summary>
    public string? ConnectionId { get; init; }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long? Timestamp { get; init; }

    /// <summary>OBJECT only: the operation.</summary>
    public ObjectOperation? Operation { get; init; }

    /// <summary>OBJECT_SYNC only: the object's state.</summary>
    public ObjectState? Object { get; init; }

    /// <summary>The operation's serial, assigned by the service; serials compare per site.</summary>
    public string? Serial { get; init; }

    /// <summary>When the service assigned the serial (ms since the Unix epoch).</summary>
    public long? SerialTimestamp { get; init; }

    /// <summary>The site that assigned the serial.</summary>
    public string? SiteCode { get; init; }

    /// <summary>Extras (a JSON object), as on a message.</summary>
    public JsonElement? Extras { get; init; }
}
