using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// A Message as carried on the wire (TM2), with <see cref="Data"/> still encoded per <see cref="Encoding"/>. Use
/// <see cref="MessageMapper"/> to turn it into a <see cref="ChannelMessage"/> and back.
/// </summary>
public sealed record WireMessage
{
    /// <summary>The message id (TM2a); inherited as <c>protocolMessageId:index</c> when absent.</summary>
    public string? Id { get; set; }

    /// <summary>The event name (TM2g).</summary>
    public string? Name { get; set; }

    /// <summary>The payload, still encoded (TM2d).</summary>
    public WireData Data { get; set; }

    /// <summary>The transforms applied to <see cref="Data"/>, slash-separated, outermost last (e.g. <c>json/utf-8/base64</c>).</summary>
    public string? Encoding { get; set; }

    /// <summary>The publisher's client id (TM2b).</summary>
    public string? ClientId { get; set; }

    /// <summary>The publisher's connection (TM2c); inherited when absent.</summary>
    public string? ConnectionId { get; set; }

    /// <summary>Only on publish: publish on behalf of a realtime connection.</summary>
    public string? ConnectionKey { get; set; }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long? Timestamp { get; set; }

    /// <summary>Extras (TM2i): a JSON object (headers, push, ephemeral...).</summary>
    public JsonElement? Extras { get; set; }

    /// <summary>What the message does to the channel's messages (TM5); absent means a new message.</summary>
    public MessageAction? Action { get; set; }

    /// <summary>The message's serial, assigned by the service; orders the channel's messages.</summary>
    public string? Serial { get; set; }

    /// <summary>For an edited message: which edit this is.</summary>
    public MessageVersion? Version { get; set; }
}
