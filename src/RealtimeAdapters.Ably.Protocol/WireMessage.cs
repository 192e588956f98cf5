using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// A Message as carried on the wire (TM2), with <see cref="Data"/> still encoded per <see cref="Encoding"/>. Use
/// <see cref="MessageMapper"/> to turn it into a <see cref="ChannelMessage"/> and back.
/// </summary>
public sealed record WireMessage
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public WireData Data { get; set; }

    /// <summary>The transforms applied to <see cref="Data"/>, slash-separated, outermost last (e.g. <c>json/utf-8/base64</c>).</summary>
    public string? Encoding { get; set; }

    public string? ClientId { get; set; }

    public string? ConnectionId { get; set; }

    /// <summary>Only on publish: publish on behalf of a realtime connection.</summary>
    public string? ConnectionKey { get; set; }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long? Timestamp { get; set; }

    public JsonElement? Extras { get; set; }

    public MessageAction? Action { get; set; }

    public string? Serial { get; set; }

    public MessageVersion? Version { get; set; }
}
