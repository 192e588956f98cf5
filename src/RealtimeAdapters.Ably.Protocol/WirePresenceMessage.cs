using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>A PresenceMessage as carried on the wire (TP3), with <see cref="Data"/> still encoded per <see cref="Encoding"/>.</summary>
public sealed record WirePresenceMessage
{
    public string? Id { get; set; }

    /// <summary>The action; Ably's numbering is that of <see cref="PresenceAction"/>. Unknown numbers are kept.</summary>
    public PresenceAction Action { get; set; }

    public string? ClientId { get; set; }

    public string? ConnectionId { get; set; }

    public WireData Data { get; set; }

    public string? Encoding { get; set; }

    public JsonElement? Extras { get; set; }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long? Timestamp { get; set; }

    /// <summary><c>connectionId:clientId</c>, the key of a member (RTP2).</summary>
    public string MemberKey => $"{ConnectionId}:{ClientId}";
}
