using System.Text.Json;

namespace RealtimeAdapters.Firebase;

/// <summary>
/// Messages and presence entries to and from database nodes, in the layout <see cref="FirebaseChannelLayout"/> documents.
/// Entries written by other clients are read leniently where the layout allows it (absent fields) and skipped when they
/// do not follow it (a field of the wrong type, an unknown encoding or action).
/// </summary>
internal static class ChannelWire
{
    private const string Name = "name";
    private const string Data = "data";
    private const string Encoding = "encoding";
    private const string ClientId = "clientId";
    private const string ConnectionId = "connectionId";
    private const string Id = "id";
    private const string Extras = "extras";
    private const string Action = "action";
    private const string Key = "key";
    private const string Base64 = "base64";
    private const string Json = "json";

    public static DataNode Message(ChannelMessage message, string id, string? clientId, string connectionId)
    {
        var fields = new List<KeyValuePair<string, DataNode>>(8);
        if (message.Name is { } name)
        {
            fields.Add(new(Name, name));
        }

        AddData(fields, message.Data);
        if ((message.ClientId ?? clientId) is { } publisher)
        {
            fields.Add(new(ClientId, publisher));
        }

        fields.Add(new(ConnectionId, connectionId));
        fields.Add(new(Id, id));
        if (message.Extras is { } extras)
        {
            fields.Add(new(Extras, extras.GetRawText()));
        }

        fields.Add(new(FirebaseChannelLayout.Timestamp, ServerValue.Timestamp));
        return DataNode.FromChildren(fields);
    }

    public static ChannelMessage? ReadMessage(string key, DataNode node)
    {
        if (!TryReadCommon(node, out var data, out var client, out var connection, out var timestamp) ||
            !TryString(node, Name, out var name) || !TryString(node, Id, out var id) || !TryString(node, Extras, out var extrasText))
        {
            return null;
        }

        JsonElement? extras = null;
        if (extrasText is not null)
        {
            if (!TryParseJson(extrasText, out var parsed) || parsed.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            extras = parsed;
        }

        return new ChannelMessage
        {
            Id = id ?? key,
            Name = name,
            Data = data,
            ClientId = client,
            ConnectionId = connection,
            Timestamp = timestamp,
            Extras = extras,
            Serial = key,
        };
    }

    /// <summary>A present member (a child of <c>presence</c>).</summary>
    public static DataNode Member(string clientId, string connectionId, MessageData data, string id) =>
        DataNode.FromChildren(PresenceFields(null, clientId, connectionId, data, id));

    /// <summary>A presence event (a child of <c>presenceEvents</c>).</summary>
    public static DataNode PresenceEvent(PresenceAction action, string clientId, string connectionId, MessageData data, string id) =>
        DataNode.FromChildren(PresenceFields(action, clientId, connectionId, data, id));

    /// <summary>Reads a member or an event; a member (no action) reads as <see cref="PresenceAction.Present"/>.</summary>
    public static PresenceMessage? ReadPresence(string key, DataNode node)
    {
        if (!TryReadCommon(node, out var data, out var client, out var connection, out var timestamp) || client is null ||
            !TryString(node, Action, out var actionText) || !TryString(node, Id, out var id))
        {
            return null;
        }

        PresenceAction? action = actionText switch
        {
            null => PresenceAction.Present,
            "enter" => PresenceAction.Enter,
            "update" => PresenceAction.Update,
            "leave" => PresenceAction.Leave,
            "present" => PresenceAction.Present,
            _ => null,
        };
        return action is null ? null : new PresenceMessage
        {
            Action = action.Value,
            ClientId = client,
            ConnectionId = connection,
            Data = data,
            Id = id ?? key,
            Timestamp = timestamp,
        };
    }

    /// <summary>The claim of a message id: the push id of the message it was published as.</summary>
    public static DataNode IdClaim(string messageKey) =>
        DataNode.FromChildren([new(Key, messageKey), new(FirebaseChannelLayout.Timestamp, ServerValue.Timestamp)]);

    public static string? ReadIdClaim(DataNode node) =>
        node.GetChild(Key) is { Kind: DataNodeKind.String } key ? key.GetString() : null;

    /// <summary>The database timestamp of an entry, or <see langword="null"/> when it has none.</summary>
    public static double? ReadTimestamp(DataNode node) =>
        node.GetChild(FirebaseChannelLayout.Timestamp) is { Kind: DataNodeKind.Number } t ? t.GetNumber() : null;

    /// <summary>The message id an entry was published with, when it named one (the <c>ids</c> claim to remove with it).</summary>
    public static string? ReadId(DataNode node) =>
        node.GetChild(Id) is { Kind: DataNodeKind.String } id ? id.GetString() : null;

    private static List<KeyValuePair<string, DataNode>> PresenceFields(PresenceAction? action, string clientId, string connectionId, MessageData data, string id)
    {
        var fields = new List<KeyValuePair<string, DataNode>>(7);
        if (action is { } a)
        {
            fields.Add(new(Action, a switch
            {
                PresenceAction.Enter => "enter",
                PresenceAction.Update => "update",
                PresenceAction.Leave => "leave",
                _ => "present",
            }));
        }

        fields.Add(new(ClientId, clientId));
        fields.Add(new(ConnectionId, connectionId));
        AddData(fields, data);
        fields.Add(new(Id, id));
        fields.Add(new(FirebaseChannelLayout.Timestamp, ServerValue.Timestamp));
        return fields;
    }

    private static void AddData(List<KeyValuePair<string, DataNode>> fields, MessageData data)
    {
        switch (data.Kind)
        {
            case MessageDataKind.String:
                fields.Add(new(Data, data.AsString()));
                break;
            case MessageDataKind.Binary:
                fields.Add(new(Data, Convert.ToBase64String(data.AsBytes().Span)));
                fields.Add(new(Encoding, Base64));
                break;
            case MessageDataKind.Json:
                fields.Add(new(Data, data.AsJson().GetRawText()));
                fields.Add(new(Encoding, Json));
                break;
        }
    }

    private static bool TryReadCommon(DataNode node, out MessageData data, out string? clientId, out string? connectionId, out DateTimeOffset? timestamp)
    {
        data = default;
        clientId = connectionId = null;
        timestamp = null;
        if (node.IsLeaf || !TryString(node, Data, out var text) || !TryString(node, Encoding, out var encoding) ||
            !TryString(node, ClientId, out clientId) || !TryString(node, ConnectionId, out connectionId))
        {
            return false;
        }

        if (ReadTimestamp(node) is { } ms)
        {
            if (ms is < -62135596800000 or > 253402300799999)
            {
                return false;
            }

            timestamp = DateTimeOffset.FromUnixTimeMilliseconds((long)ms);
        }

        if (text is null)
        {
            return encoding is null;
        }

        switch (encoding)
        {
            case null:
                data = MessageData.FromString(text);
                return true;
            case Base64:
                var bytes = new byte[(text.Length * 3 / 4) + 3];
                if (!Convert.TryFromBase64String(text, bytes, out var written))
                {
                    return false;
                }

                data = MessageData.FromBytes(bytes.AsSpan(0, written));
                return true;
            case Json:
                if (!TryParseJson(text, out var json))
                {
                    return false;
                }

                data = json.ValueKind == JsonValueKind.String ? MessageData.FromString(json.GetString()!) : MessageData.FromJson(json);
                return true;
            default:
                return false;
        }
    }

    private static bool TryString(DataNode node, string field, out string? value)
    {
        var child = node.GetChild(field);
        value = null;
        if (child.IsNull)
        {
            return true;
        }

        if (child.Kind != DataNodeKind.String)
        {
            return false;
        }

        value = child.GetString();
        return true;
    }

    private static bool TryParseJson(string text, out JsonElement value)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            value = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            value = default;
            return false;
        }
    }
}
