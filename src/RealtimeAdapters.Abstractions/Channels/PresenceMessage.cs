using System.Text.Json;

namespace RealtimeAdapters;

/// <summary>A presence event, or a member listed by a presence get.</summary>
public sealed record PresenceMessage
{
    /// <summary>What happened.</summary>
    public PresenceAction Action { get; init; }

    /// <summary>The member's client id.</summary>
    public string ClientId { get; init; } = string.Empty;

    /// <summary>The member's connection id.</summary>
    public string? ConnectionId { get; init; }

    /// <summary>The member's data.</summary>
    public MessageData Data { get; init; }

    /// <summary>The event id.</summary>
    public string? Id { get; init; }

    /// <summary>When the backend received the event.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Extra metadata (JSON object).</summary>
    public JsonElement? Extras { get; init; }

    /// <summary>The key that identifies a member: connection id and client id (a client may be present once per connection).</summary>
    public string MemberKey => $"{ConnectionId}:{ClientId}";
}
