using System.Text;
using System.Text.Json;

namespace RealtimeAdapters.Webhooks;

/// <summary>
/// Reads Ably's webhook bodies: the batched form (<c>{"items":[{"name","webhookId","source","timestamp","data":{
/// "channelId","site","messages"|"presence"}}]}</c>) and the enveloped single-request form (<c>{"source","appId",
/// "channel","site","timestamp","messages"|"presence"}</c>); occupancy items carry a ChannelDetails
/// (<c>status.occupancy.metrics</c>); lifecycle items carry <c>channel.opened</c> or
/// <c>channel.closed</c> as their name. Payloads are decoded through their <c>encoding</c> (json, base64, utf-8).
/// </summary>
internal static class AblyWebhookParser
{
    /// <summary>Parses a body.</summary>
    /// <returns>The events, in order, and the timestamps the body carries (for the replay check).</returns>
    /// <exception cref="FormatException">The body is not a webhook delivery; the message says what is wrong.</exception>
    public static (List<AblyWebhookEvent> Events, List<DateTimeOffset> Timestamps) Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The body is not JSON: " + ex.Message, ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The body is not a JSON object.");
            }

            var events = new List<AblyWebhookEvent>();
            var timestamps = new List<DateTimeOffset>();
            if (root.TryGetProperty("items", out var items))
            {
                if (items.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException("\"items\" is not an array.");
                }

                foreach (var item in items.EnumerateArray())
                {
                    var data = item.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object
                        ? d
                        : throw new FormatException("An item has no \"data\" object.");
                    var channel = String(data, "channelId") ?? String(data, "name") ?? throw new FormatException("An item names no channel (data.channelId).");
                    ReadEvent(String(item, "source"), String(item, "name"), Timestamp(item), channel, data, events, timestamps);
                }
            }
            else
            {
                var channel = String(root, "channel") ?? throw new FormatException("The body has neither \"items\" nor \"channel\".");
                ReadEvent(String(root, "source"), String(root, "name"), Timestamp(root), channel, root, events, timestamps);
            }

            return (events, timestamps);
        }
    }

    private static void ReadEvent(
        string? source, string? name, DateTimeOffset? timestamp, string channel, JsonElement data, List<AblyWebhookEvent> events, List<DateTimeOffset> timestamps)
    {
        if (timestamp is { } t)
        {
            timestamps.Add(t);
        }

        switch (source)
        {
            case "channel.message":
                foreach (var m in Array(data, "messages"))
                {
                    var message = ReadMessage(m);
                    AddTimestamp(timestamps, message.Timestamp, timestamp);
                    events.Add(new AblyWebhookEvent(channel, message, null, null));
                }

                break;
            case "channel.presence":
                foreach (var p in Array(data, "presence"))
                {
                    var presence = ReadPresence(p);
                    AddTimestamp(timestamps, presence.Timestamp, timestamp);
                    events.Add(new AblyWebhookEvent(channel, null, presence, null));
                }

                break;
            case "channel.lifecycle":
                events.Add(new AblyWebhookEvent(channel, null, null, new ChannelLifecycleEvent(channel, name ?? "channel.lifecycle", timestamp)));
                break;
            case "channel.occupancy":
                events.Add(new AblyWebhookEvent(channel, null, null, null) { Occupancy = ReadOccupancy(channel, data, timestamp) });
                break;
            default:
                // Sources added later are skipped: nothing in them is known to subscribers.
                break;
        }
    }

    /// <summary>The metrics of a ChannelDetails payload (<c>status.occupancy.metrics</c>, or <c>occupancy.metrics</c>).</summary>
    private static ChannelOccupancyEvent ReadOccupancy(string channel, JsonElement data, DateTimeOffset? timestamp)
    {
        var holder = data.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object ? status : data;
        if (!holder.TryGetProperty("occupancy", out var occupancy) || occupancy.ValueKind != JsonValueKind.Object ||
            !occupancy.TryGetProperty("metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A channel.occupancy item has no occupancy.metrics object.");
        }

        long Count(string name) => metrics.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0
            ? n
            : 0;
        return new ChannelOccupancyEvent(channel, timestamp)
        {
            Connections = Count("connections"),
            Publishers = Count("publishers"),
            Subscribers = Count("subscribers"),
            PresenceConnections = Count("presenceConnections"),
            PresenceMembers = Count("presenceMembers"),
            PresenceSubscribers = Count("presenceSubscribers"),
            ObjectPublishers = Count("objectPublishers"),
            ObjectSubscribers = Count("objectSubscribers"),
        };
    }

    private static void AddTimestamp(List<DateTimeOffset> timestamps, DateTimeOffset? own, DateTimeOffset? envelope)
    {
        if (envelope is null && own is { } t)
        {
            timestamps.Add(t);
        }
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement data, string name) =>
        data.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : throw new FormatException($"The event has no \"{name}\" array.");

    private static ChannelMessage ReadMessage(JsonElement m) => new()
    {
        Id = String(m, "id"),
        Name = String(m, "name"),
        ClientId = String(m, "clientId"),
        ConnectionId = String(m, "connectionId"),
        Timestamp = Timestamp(m),
        Extras = m.TryGetProperty("extras", out var extras) && extras.ValueKind == JsonValueKind.Object ? extras.Clone() : null,
        Data = ReadData(m),
    };

    private static PresenceMessage ReadPresence(JsonElement p) => new()
    {
        Id = String(p, "id"),
        ClientId = String(p, "clientId") ?? throw new FormatException("A presence event has no clientId."),
        ConnectionId = String(p, "connectionId"),
        Timestamp = Timestamp(p),
        Action = ReadAction(p),
        Data = ReadData(p),
    };

    private static PresenceAction ReadAction(JsonElement p)
    {
        if (!p.TryGetProperty("action", out var action))
        {
            throw new FormatException("A presence event has no action.");
        }

        if (action.ValueKind == JsonValueKind.Number && action.TryGetInt32(out var n) && n is >= 0 and <= 4)
        {
            return (PresenceAction)n;
        }

        if (action.ValueKind == JsonValueKind.String && Enum.TryParse<PresenceAction>(action.GetString(), ignoreCase: true, out var named) && Enum.IsDefined(named))
        {
            return named;
        }

        throw new FormatException("A presence event has an unknown action.");
    }

    private static MessageData ReadData(JsonElement m)
    {
        if (!m.TryGetProperty("data", out var data) || data.ValueKind == JsonValueKind.Null)
        {
            return MessageData.None;
        }

        if (data.ValueKind != JsonValueKind.String)
        {
            return MessageData.FromJson(data);
        }

        var encoding = String(m, "encoding");
        if (string.IsNullOrEmpty(encoding))
        {
            return MessageData.FromString(data.GetString()!);
        }

        // Steps apply in reverse order of the list (the last one was applied last by the publisher).
        object value = data.GetString()!;
        var steps = encoding.Split('/');
        for (var i = steps.Length - 1; i >= 0; i--)
        {
            value = (steps[i], value) switch
            {
                ("base64", string s) => Convert.FromBase64String(s),
                ("utf-8", byte[] b) => Encoding.UTF8.GetString(b),
                ("utf-8", string s) => s,
                ("json", string s) => JsonDocument.Parse(s).RootElement.Clone(),
                ("json", byte[] b) => JsonDocument.Parse(b).RootElement.Clone(),
                // An encoding this receiver cannot undo (e.g. cipher+aes-…): the payload stays as it is, as bytes.
                _ => value is string str ? Encoding.UTF8.GetBytes(str) : value,
            };
        }

        return value switch
        {
            string s => MessageData.FromString(s),
            byte[] b => MessageData.FromBytes(b),
            JsonElement e => MessageData.FromJson(e),
            _ => MessageData.None,
        };
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTimeOffset? Timestamp(JsonElement e) =>
        e.TryGetProperty("timestamp", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
}
