using System.Text.Json;

namespace RealtimeAdapters.Webhooks;

/// <summary>The <c>data</c> of forwarded events.</summary>
internal static class WebhookPayloads
{
    public static JsonElement Message(string channel, ChannelMessage m) => Write(w =>
    {
        w.WriteString("channel", channel);
        WriteOptional(w, "id", m.Id);
        WriteOptional(w, "name", m.Name);
        WriteOptional(w, "clientId", m.ClientId);
        WriteOptional(w, "connectionId", m.ConnectionId);
        if (m.Timestamp is { } t)
        {
            w.WriteNumber("timestamp", t.ToUnixTimeMilliseconds());
        }

        WriteData(w, m.Data);
    });

    public static JsonElement Presence(string channel, PresenceMessage p) => Write(w =>
    {
        w.WriteString("channel", channel);
        w.WriteString("action", p.Action.ToString().ToLowerInvariant());
        w.WriteString("clientId", p.ClientId);
        WriteOptional(w, "id", p.Id);
        WriteOptional(w, "connectionId", p.ConnectionId);
        if (p.Timestamp is { } t)
        {
            w.WriteNumber("timestamp", t.ToUnixTimeMilliseconds());
        }

        WriteData(w, p.Data);
    });

    public static JsonElement Store(StoreEvent e) => Write(w =>
    {
        w.WriteString("path", e.Snapshot.Path.ToString());
        WriteOptional(w, "previousChildKey", e.PreviousChildKey);
        w.WritePropertyName("value");
        e.Snapshot.Node.WriteTo(w);
    });

    public static string StoreEventType(StoreEventKind kind) => kind switch
    {
        StoreEventKind.ChildAdded => "store.child_added",
        StoreEventKind.ChildChanged => "store.child_changed",
        StoreEventKind.ChildRemoved => "store.child_removed",
        StoreEventKind.ChildMoved => "store.child_moved",
        _ => "store.value",
    };

    private static void WriteData(Utf8JsonWriter w, MessageData data)
    {
        switch (data.Kind)
        {
            case MessageDataKind.String:
                w.WriteString("data", data.AsString());
                break;
            case MessageDataKind.Binary:
                w.WriteString("data", Convert.ToBase64String(data.AsBytes().Span));
                w.WriteString("encoding", "base64");
                break;
            case MessageDataKind.Json:
                w.WritePropertyName("data");
                data.AsJson().WriteTo(w);
                break;
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static JsonElement Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}
