using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>A PresenceMessage as carried on the wire (TP3), with <see cref="Data"/> still encoded per <see cref="Encoding"/>.</summary>
public sealed record WirePresenceMessage
{
    /// <summary>The message id (TP3a); <c>connectionId:msgSerial:index</c>, as the newness rule (RTP2b) reads it.</summary>
    public string? Id { get; set; }

    /// <summary>The action; Ably's numbering is that of <see cref="PresenceAction"/>. Unknown numbers are kept.</summary>
    public PresenceAction Action { get; set; }

    /// <summary>The member's client id (TP3c).</summary>
    public string? ClientId { get; set; }

    /// <summary>The member's connection (TP3d); with the client id, the member key.</summary>
    public string? ConnectionId { get; set; }

    /// <summary>The member data, still encoded (TP3e).</summary>
    public WireData Data { get; set; }

    /// <summary>The transforms applied to <see cref="Data"/> (TP3f), outermost last.</summary>
    public string? Encoding { get; set; }

    /// <summary>Extras (TP3i): a JSON object.</summary>
    public JsonElement? Extras { get; set; }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long? Timestamp { get; set; }

    /// <summary><c>connectionId:clientId</c>, the key of a member (RTP2).</summary>
    public string MemberKey => $"{ConnectionId}:{ClientId}";
}
