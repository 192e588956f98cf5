using System.Text;
using System.Text.Json;

namespace RealtimeAdapters;

/// <summary>A message on a channel: an event name and a payload, with identity and origin filled in by the backend.</summary>
public sealed record ChannelMessage
{
    /// <summary>Creates a message.</summary>
    public ChannelMessage()
    {
    }

    /// <summary>Creates a message with an event name and a payload.</summary>
    /// <param name="name">The event name (may be <see langword="null"/>).</param>
    /// <param name="data">The payload.</param>
    public ChannelMessage(string? name, MessageData data)
    {
        Name = name;
        Data = data;
    }

    /// <summary>The message id. Set it before publishing to make the publish idempotent; otherwise the backend assigns one.</summary>
    public string? Id { get; init; }

    /// <summary>The event name subscribers filter on.</summary>
    public string? Name { get; init; }

    /// <summary>The payload.</summary>
    public MessageData Data { get; init; }

    /// <summary>The publisher's client id.</summary>
    public string? ClientId { get; init; }

    /// <summary>The publisher's connection id (set by the backend).</summary>
    public string? ConnectionId { get; init; }

    /// <summary>When the backend received the message.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Extra metadata (JSON object), such as headers.</summary>
    public JsonElement? Extras { get; init; }

    /// <summary>The message's position in the channel (set by the backend; opaque).</summary>
    public string? Serial { get; init; }

    /// <summary>The size the message counts for in size limits (Ably TM6): name, payload, client id and extras, in UTF-8 bytes.</summary>
    public int GetSize() =>
        (Name is null ? 0 : Encoding.UTF8.GetByteCount(Name)) + Data.GetSize() +
        (ClientId is null ? 0 : Encoding.UTF8.GetByteCount(ClientId)) +
        (Extras is { } e ? Encoding.UTF8.GetByteCount(e.GetRawText()) : 0);
}
