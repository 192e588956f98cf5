using System.Buffers;
using System.Text;
using System.Text.Json;
using MessagePack;
using RealtimeAdapters.Ably.Auth;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// The msgpack form of every wire type: maps keyed by the JSON field names, strings as str, binary data as bin. Reading
/// tolerates ints and floats for timestamps, str or bin for strings, and skips unknown keys with a depth limit.
/// </summary>
internal static class MsgPackWire
{
    public const int MaxDepth = JsonWire.MaxDepth;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // ---------------------------------------------------------------- writers

    public static void WriteProtocolMessage(ref MessagePackWriter w, ProtocolMessage m)
    {
        w.WriteMapHeader(1 + Count(m.Id) + Count(m.Auth) + Count(m.Channel) + Count(m.ChannelSerial) + Count(m.ConnectionId) +
            Count(m.ConnectionKey) + Count(m.ConnectionDetails) + Count(m.Count) + Count(m.Error) + Count(m.Flags) + Count(m.MsgSerial) +
            Count(m.Messages) + Count(m.Presence) + Count(m.State) + Count(m.Timestamp) + Count(m.Params) + Count(m.Res));
        Key(ref w, "action"u8);
        w.Write((int)m.Action);
        WriteIf(ref w, "id"u8, m.Id);
        if (m.Auth is { } auth)
        {
            Key(ref w, "auth"u8);
            WriteAuth(ref w, auth);
        }

        WriteIf(ref w, "channel"u8, m.Channel);
        WriteIf(ref w, "channelSerial"u8, m.ChannelSerial);
        WriteIf(ref w, "connectionId"u8, m.ConnectionId);
        WriteIf(ref w, "connectionKey"u8, m.ConnectionKey);
        if (m.ConnectionDetails is { } details)
        {
            Key(ref w, "connectionDetails"u8);
            WriteConnectionDetails(ref w, details);
        }

        WriteIf(ref w, "count"u8, m.Count);
        if (m.Error is { } error)
        {
            Key(ref w, "error"u8);
            WriteError(ref w, error);
        }

        if (m.Flags is { } flags)
        {
            Key(ref w, "flags"u8);
            w.Write((uint)flags);
        }

        WriteIf(ref w, "msgSerial"u8, m.MsgSerial);
        if (m.Messages is { } messages)
        {
            Key(ref w, "messages"u8);
            w.WriteArrayHeader(messages.Count);
            foreach (var message in messages)
            {
                WriteMessage(ref w, message);
            }
        }

        if (m.Presence is { } presence)
        {
            Key(ref w, "presence"u8);
            w.WriteArrayHeader(presence.Count);
            foreach (var p in presence)
            {
                WritePresence(ref w, p);
            }
        }

        if (m.State is { } state)
        {
            Key(ref w, "state"u8);
            w.WriteArrayHeader(state.Count);
            foreach (var o in state)
            {
                WriteObjectJson(ref w, LiveObjects.ObjectMessageCodec.ToElement(o), bytesField: false);
            }
        }

        WriteIf(ref w, "timestamp"u8, m.Timestamp);
        if (m.Params is { } parameters)
        {
            Key(ref w, "params"u8);
            WriteStringMap(ref w, parameters);
        }

        if (m.Res is { } res)
        {
            Key(ref w, "res"u8);
            w.WriteArrayHeader(res.Count);
            foreach (var r in res)
            {
                WritePublishResult(ref w, r);
            }
        }
    }

    public static void WriteMessage(ref MessagePackWriter w, WireMessage m)
    {
        var (data, encoding) = ForMsgPack(m.Data, m.Encoding);
        w.WriteMapHeader(Count(m.Id) + Count(m.Name) + (data.IsNone ? 0 : 1) + Count(encoding) + Count(m.ClientId) + Count(m.ConnectionId) +
            Count(m.ConnectionKey) + Count(m.Timestamp) + Count(m.Extras) + Count(m.Action) + Count(m.Serial) + Count(m.Version));
        WriteIf(ref w, "id"u8, m.Id);
        WriteIf(ref w, "name"u8, m.Name);
        WriteData(ref w, data);
        WriteIf(ref w, "encoding"u8, encoding);
        WriteIf(ref w, "clientId"u8, m.ClientId);
        WriteIf(ref w, "connectionId"u8, m.ConnectionId);
        WriteIf(ref w, "connectionKey"u8, m.ConnectionKey);
        WriteIf(ref w, "timestamp"u8, m.Timestamp);
        if (m.Extras is { } extras)
        {
            Key(ref w, "extras"u8);
            WriteJson(ref w, extras);
        }

        if (m.Action is { } action)
        {
            Key(ref w, "action"u8);
            w.Write((int)action);
        }

        WriteIf(ref w, "serial"u8, m.Serial);
        if (m.Version is { } version)
        {
            Key(ref w, "version"u8);
            WriteVersion(ref w, version);
        }
    }

    public static void WritePresence(ref MessagePackWriter w, WirePresenceMessage m)
    {
        var (data, encoding) = ForMsgPack(m.Data, m.Encoding);
        w.WriteMapHeader(1 + Count(m.Id) + Count(m.ClientId) + Count(m.ConnectionId) + (data.IsNone ? 0 : 1) + Count(encoding) +
            Count(m.Extras) + Count(m.Timestamp));
        WriteIf(ref w, "id"u8, m.Id);
        Key(ref w, "action"u8);
        w.Write((int)m.Action);
        WriteIf(ref w, "clientId"u8, m.ClientId);
        WriteIf(ref w, "connectionId"u8, m.ConnectionId);
        WriteData(ref w, data);
        WriteIf(ref w, "encoding"u8, encoding);
        if (m.Extras is { } extras)
        {
            Key(ref w, "extras"u8);
            WriteJson(ref w, extras);
        }

        WriteIf(ref w, "timestamp"u8, m.Timestamp);
    }

    public static void WriteVersion(ref MessagePackWriter w, MessageVersion v)
    {
        w.WriteMapHeader(Count(v.Serial) + Count(v.Timestamp) + Count(v.ClientId) + Count(v.Description) + Count(v.Metadata));
        WriteIf(ref w, "serial"u8, v.Serial);
        WriteIf(ref w, "timestamp"u8, v.Timestamp);
        WriteIf(ref w, "clientId"u8, v.ClientId);
        WriteIf(ref w, "description"u8, v.Description);
        if (v.Metadata is { } metadata)
        {
            Key(ref w, "metadata"u8);
            WriteJson(ref w, metadata);
        }
    }

    public static void WriteError(ref MessagePackWriter w, ErrorInfo e)
    {
        w.WriteMapHeader(2 + Count(e.Message) + Count(e.Href) + Count(e.Cause) + Count(e.Detail));
        Key(ref w, "code"u8);
        w.Write(e.Code);
        Key(ref w, "statusCode"u8);
        w.Write(e.StatusCode);
        WriteIf(ref w, "message"u8, e.Message);
        WriteIf(ref w, "href"u8, e.Href);
        if (e.Cause is { } cause)
        {
            Key(ref w, "cause"u8);
            WriteError(ref w, cause);
        }

        if (e.Detail is { } detail)
        {
            Key(ref w, "detail"u8);
            WriteStringMap(ref w, detail);
        }
    }

    public static void WriteConnectionDetails(ref MessagePackWriter w, ConnectionDetails d)
    {
        w.WriteMapHeader(Count(d.ClientId) + Count(d.ConnectionKey) + Count(d.MaxMessageSize) + Count(d.MaxFrameSize) + Count(d.MaxInboundRate) +
            Count(d.ConnectionStateTtl) + Count(d.MaxIdleInterval) + Count(d.ServerId) + Count(d.SiteCode) + Count(d.ObjectsGCGracePeriod));
        WriteIf(ref w, "clientId"u8, d.ClientId);
        WriteIf(ref w, "connectionKey"u8, d.ConnectionKey);
        WriteIf(ref w, "maxMessageSize"u8, d.MaxMessageSize);
        WriteIf(ref w, "maxFrameSize"u8, d.MaxFrameSize);
        WriteIf(ref w, "maxInboundRate"u8, d.MaxInboundRate);
        WriteIf(ref w, "connectionStateTtl"u8, d.ConnectionStateTtl);
        WriteIf(ref w, "maxIdleInterval"u8, d.MaxIdleInterval);
        WriteIf(ref w, "serverId"u8, d.ServerId);
        WriteIf(ref w, "siteCode"u8, d.SiteCode);
        WriteIf(ref w, "objectsGCGracePeriod"u8, d.ObjectsGCGracePeriod);
    }

    public static void WriteAuth(ref MessagePackWriter w, AuthDetails a)
    {
        w.WriteMapHeader(Count(a.AccessToken));
        WriteIf(ref w, "accessToken"u8, a.AccessToken);
    }

    public static void WritePublishResult(ref MessagePackWriter w, PublishResult r)
    {
        w.WriteMapHeader(Count(r.Serials));
        if (r.Serials is { } serials)
        {
            Key(ref w, "serials"u8);
            w.WriteArrayHeader(serials.Count);
            foreach (var s in serials)
            {
                if (s is null)
                {
                    w.WriteNil();
                }
                else
                {
                    w.Write(s);
                }
            }
        }
    }

    public static void WriteTokenRequest(ref MessagePackWriter w, TokenRequest t)
    {
        w.WriteMapHeader(Count(t.KeyName) + Count(t.Ttl) + Count(t.Capability) + Count(t.ClientId) + Count(t.Timestamp) + Count(t.Nonce) + Count(t.Mac));
        WriteIf(ref w, "keyName"u8, t.KeyName);
        WriteIf(ref w, "ttl"u8, t.Ttl);
        WriteIf(ref w, "capability"u8, t.Capability);
        WriteIf(ref w, "clientId"u8, t.ClientId);
        WriteIf(ref w, "timestamp"u8, t.Timestamp);
        WriteIf(ref w, "nonce"u8, t.Nonce);
        WriteIf(ref w, "mac"u8, t.Mac);
    }

    public static void WriteTokenDetails(ref MessagePackWriter w, TokenDetails t)
    {
        w.WriteMapHeader(Count(t.Token) + Count(t.KeyName) + Count(t.Issued) + Count(t.Expires) + Count(t.Capability) + Count(t.ClientId));
        WriteIf(ref w, "token"u8, t.Token);
        WriteIf(ref w, "keyName"u8, t.KeyName);
        WriteIf(ref w, "issued"u8, t.Issued);
        WriteIf(ref w, "expires"u8, t.Expires);
        WriteIf(ref w, "capability"u8, t.Capability);
        WriteIf(ref w, "clientId"u8, t.ClientId);
    }

    /// <summary>msgpack carries binary natively (RSL4c): base64 of binary from a JSON peer goes as bin (see <see cref="PayloadEncoder.Transcode"/>).</summary>
    private static (WireData Data, string? Encoding) ForMsgPack(WireData data, string? encoding) =>
        PayloadEncoder.Transcode(data, encoding, WireFormat.MsgPack);

    private static void WriteData(ref MessagePackWriter w, WireData data)
    {
        switch (data.Kind)
        {
            case WireDataKind.String:
                Key(ref w, "data"u8);
                w.Write(data.AsString());
                break;
            case WireDataKind.Binary:
                Key(ref w, "data"u8);
                w.Write(data.AsBytes().AsSpan());
                break;
            case WireDataKind.Json:
                Key(ref w, "data"u8);
                WriteJson(ref w, data.AsJson());
                break;
        }
    }

    /// <summary>Writes a JSON value as the equivalent msgpack value (objects as maps, integers as ints).</summary>
    public static void WriteJson(ref MessagePackWriter w, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteMapHeader(e.GetPropertyCount());
                foreach (var property in e.EnumerateObject())
                {
                    w.Write(property.Name);
                    WriteJson(ref w, property.Value);
                }

                break;
            case JsonValueKind.Array:
                w.WriteArrayHeader(e.GetArrayLength());
                foreach (var item in e.EnumerateArray())
                {
                    WriteJson(ref w, item);
                }

                break;
            case JsonValueKind.String:
                w.Write(e.GetString());
                break;
            case JsonValueKind.Number:
                if (e.TryGetInt64(out var l))
                {
                    w.Write(l);
                }
                else if (e.TryGetUInt64(out var ul))
                {
                    w.Write(ul);
                }
                else
                {
                    w.Write(e.GetDouble());
                }

                break;
            case JsonValueKind.True:
                w.Write(true);
                break;
            case JsonValueKind.False:
                w.Write(false);
                break;
            default:
                w.WriteNil();
                break;
        }
    }

    /// <summary>
    /// Writes an object message from its JSON shape: as <see cref="WriteJson"/>, except that an object data's
    /// <c>bytes</c> (base64 in JSON) is written as bin, as msgpack carries it (OD4c2).
    /// </summary>
    private static void WriteObjectJson(ref MessagePackWriter w, JsonElement e, bool bytesField)
    {
        if (bytesField && e.ValueKind == JsonValueKind.String)
        {
            w.Write(Convert.FromBase64String(e.GetString()!));
            return;
        }

        if (e.ValueKind == JsonValueKind.Object)
        {
            w.WriteMapHeader(e.GetPropertyCount());
            foreach (var property in e.EnumerateObject())
            {
                w.Write(property.Name);
                WriteObjectJson(ref w, property.Value, property.NameEquals("bytes"u8));
            }

            return;
        }

        WriteJson(ref w, e);
    }

    private static void WriteStringMap(ref MessagePackWriter w, IReadOnlyDictionary<string, string> map)
    {
        w.WriteMapHeader(map.Count);
        foreach (var (key, value) in map)
        {
            w.Write(key);
            w.Write(value);
        }
    }

    private static void Key(ref MessagePackWriter w, ReadOnlySpan<byte> utf8) => w.WriteString(utf8);

    private static void WriteIf(ref MessagePackWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            Key(ref w, name);
            w.Write(value);
        }
    }

    private static void WriteIf(ref MessagePackWriter w, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } v)
        {
            Key(ref w, name);
            w.Write(v);
        }
    }

    private static void WriteIf(ref MessagePackWriter w, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } v)
        {
            Key(ref w, name);
            w.Write(v);
        }
    }

    private static int Count(object? value) => value is null ? 0 : 1;

    private static int Count(string? value) => value is null ? 0 : 1;

    private static int Count<T>(T? value) where T : struct => value.HasValue ? 1 : 0;

    // ---------------------------------------------------------------- readers

    public delegate T ReadFunc<T>(ref MessagePackReader reader, int depth);

    /// <summary>Reads one whole msgpack document with <paramref name="read"/>, turning every reader failure into a 40000 error.</summary>
    public static T ReadDocument<T>(ReadOnlyMemory<byte> bytes, ReadFunc<T> read, string what)
    {
        if (bytes.IsEmpty)
        {
            throw Malformed($"The {what} is empty.");
        }

        try
        {
            var r = new MessagePackReader(bytes);
            var value = read(ref r, 0);
            if (!r.End)
            {
                throw Malformed($"The {what} has content after its end.");
            }

            return value;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException or
            DecoderFallbackException or InvalidOperationException or ArgumentException or JsonException)
        {
            throw Malformed($"The {what} is not valid msgpack: {ex.Message}", ex);
        }
    }

    public static ProtocolMessage ReadProtocolMessage(ref MessagePackReader r, int depth)
    {
        var count = ExpectMap(ref r, "ProtocolMessage", depth);
        var m = new ProtocolMessage();
        var sawAction = false;
        for (var i = 0; i < count; i++)
        {
            var key = ReadKey(ref r);
            if (key.SequenceEqual("action"u8))
            {
                m.Action = (ProtocolAction)(ReadInt32(ref r, "action") ?? throw Malformed("Field 'action' of a ProtocolMessage must not be nil."));
                sawAction = true;
            }
            else if (key.SequenceEqual("id"u8))
            {
                m.Id = ReadString(ref r, "id");
            }
            else if (key.SequenceEqual("auth"u8))
            {
                m.Auth = r.TryReadNil() ? null : ReadAuth(ref r, depth + 1);
            }
            else if (key.SequenceEqual("channel"u8))
            {
                m.Channel = ReadString(ref r, "channel");
            }
            else if (key.SequenceEqual("channelSerial"u8))
            {
                m.ChannelSerial = ReadString(ref r, "channelSerial");
            }
            else if (key.SequenceEqual("connectionId"u8))
            {
                m.ConnectionId = ReadString(ref r, "connectionId");
            }
            else if (key.SequenceEqual("connectionKey"u8))
            {
                m.ConnectionKey = ReadString(ref r, "connectionKey");
            }
            else if (key.SequenceEqual("connectionDetails"u8))
            {
                m.ConnectionDetails = r.TryReadNil() ? null : ReadConnectionDetails(ref r, depth + 1);
            }
            else if (key.SequenceEqual("count"u8))
            {
                m.Count = ReadInt32(ref r, "count");
            }
            else if (key.SequenceEqual("error"u8))
            {
                m.Error = r.TryReadNil() ? null : ReadError(ref r, depth + 1);
            }
            else if (key.SequenceEqual("flags"u8))
            {
                m.Flags = ReadInt64(ref r, "flags") is { } f ? (ProtocolFlags)unchecked((int)f) : null;
            }
            else if (key.SequenceEqual("msgSerial"u8))
            {
                m.MsgSerial = ReadInt64(ref r, "msgSerial");
            }
            else if (key.SequenceEqual("messages"u8))
            {
                m.Messages = ReadArray(ref r, "messages", depth + 1, static (ref MessagePackReader x, int d) => ReadMessage(ref x, d));
            }
            else if (key.SequenceEqual("presence"u8))
            {
                m.Presence = ReadArray(ref r, "presence", depth + 1, static (ref MessagePackReader x, int d) => ReadPresence(ref x, d));
            }
            else if (key.SequenceEqual("state"u8))
            {
                // Read as JSON (bin becomes base64, as the JSON protocol carries object data bytes), then typed.
                m.State = ReadArray(ref r, "state", depth + 1, static (ref MessagePackReader x, int d) => LiveObjects.ObjectMessageCodec.Read(ReadAsJson(ref x, d)));
            }
            else if (key.SequenceEqual("timestamp"u8))
            {
                m.Timestamp = ReadTimestamp(ref r, "timestamp");
            }
            else if (key.SequenceEqual("params"u8))
            {
                m.Params = ReadStringMap(ref r, "params", depth + 1);
            }
            else if (key.SequenceEqual("res"u8))
            {
                m.Res = ReadArray(ref r, "res", depth + 1, static (ref MessagePackReader x, int d) => ReadPublishResult(ref x, d));
            }
            else
            {
                Skip(ref r, depth + 1);
            }
        }

        return sawAction ? m : throw Malformed("The ProtocolMessage has no 'action'.");
    }

    public static WireMessage ReadMessage(ref MessagePackReader r, int depth)
    {
        var count = ExpectMap(ref r, "Message", depth);
        var m = new WireMessage();
        for (var i = 0; i < count; i++)
        {
            var key = ReadKey(ref r);
            if (key.SequenceEqual("id"u8))
            {
                m.Id = ReadString(ref r, "id");
            }
            else if (key.SequenceEqual("name"u8))
            {
                m.Name = ReadString(ref r, "name");
            }
            else if (key.SequenceEqual("data"u8))
            {
                m.Data = ReadData(ref r, depth + 1);
            }
            else if (key.SequenceEqual("encoding"u8))
            {
                m.Encoding = ReadString(ref r, "encoding");
            }
            else if (key.SequenceEqual("clientId"u8))
            {
                m.ClientId = ReadString(ref r, "clientId");
            }
            else if (key.SequenceEqual("connectionId"u8))
            {
                m.ConnectionId = ReadString(ref r, "connectionId");
            }
            else if (key.SequenceEqual("connectionKey"u8))
            {
                m.ConnectionKey = ReadString(ref r, "connectionKey");
            }
            else if (key.SequenceEqual("timestamp"u8))
            {
                m.Timestamp = ReadTimestamp(ref r, "timestamp");
            }
            else if (key.SequenceEqual("extras"u8))
            {
                m.Extras = r.TryReadNil() ? null : ReadAsJson(ref r, depth + 1);
            }
            else if (key.SequenceEqual("action"u8))
            {
                m.Action = ReadInt32(ref r, "action") is { } a ? (MessageAction)a : null;
            }
            else if (key.SequenceEqual("serial"u8))
            {
                m.Serial = ReadString(ref r, "serial");
            }
            else if (key.SequenceEqual("version"u8))
            {
                m.Version = r.TryReadNil() ? null : ReadVersion(ref r, depth + 1);
            }
            else
            {
                Skip(ref r, depth + 1);
            }
        }

        return m;
    }

    public static WirePresenceMessage ReadPresence(ref MessagePackReader r, int depth)
    {
        var count = ExpectMap(ref r, "PresenceMessage", depth);
        var m = new WirePresenceMessage();
        for (var i = 0; i < count; i++)
        {
            var key = ReadKey(ref r);
            if (key.SequenceEqual("id"u8))
            {
                m.Id = ReadString(ref r, "id");
            }
            else if (key.SequenceEqual("action"u8))
            {
                m.Action = (PresenceAction)(ReadInt32(ref r, "action") ?? 0);
            }
            else if (key.SequenceEqual("clientId"u8))
            {
                m.ClientId = ReadString(ref r, "clientId");
            }
            else if (key.SequenceEqual("connectionId"u8))
            {
                m.ConnectionId = ReadString(ref r, "connectionId");
            }
            else if (key.SequenceEqual("data"u8))
            {
                m.Data = ReadData(ref r, depth + 1);
            }
            else if (key.SequenceEqual("encoding"u8))
            {
                m.Encoding = ReadString(ref r, "encoding");
            }
            else if (key.SequenceEqual("extras"u8))
            {
                m.Extras = r.TryReadNil() ? null : ReadAsJson(ref r, depth + 1);
            }
            else if (key.SequenceEqual("timestamp"u8))
            {
                m.Timestamp = ReadTimestamp(ref r, "timestamp");
            }
            else
            {
                Skip(ref r, depth + 1);
            }
        }

        return m;
    }

    public static MessageVersion ReadVersion(ref MessagePackReader r, int depth)
    {
        var count = ExpectMap(ref r, "version", depth);
        var v = new MessageVersion();
        for (var i = 0; i < count; i++)
        {
            var key = ReadKey(ref r);
            if (key.SequenceEqual("serial"u8))
            {
                v.Serial = ReadString(ref r, "version.serial");
            }
            else if (key.SequenceEqual("timestamp"u8))
            {
                v.Timestamp = ReadTimestamp(ref r, "version.timestamp");
            }
            else if (key.SequenceEqual("clientId"u8))
            {
                v.ClientId = ReadString(ref r, "version.clientId");
            }
            else if (key.SequenceEqual("description"u8))
            {
                v.Description = ReadString(ref r, "version.description");
            }
            else if (key.SequenceEqual("metadata"u8))
            {
                v.Metadata = r.TryReadNil() ? null : ReadAsJson(ref r, depth + 1);
            }
            else
            {
                Skip(ref r, depth + 1);
            }
        }

        return v;
    }

    public static ErrorInfo ReadError(ref MessagePackReader r, int depth)
    {
        var count = ExpectMap(ref r, "error", depth);
        var e = new ErrorInfo();
        for (var i = 0; i < count; i++)
        {
            var key = ReadKey(ref r);
            if (key.SequenceEqual("code"u8))
            {
                e.Code = ReadInt32(ref r, "error.code") ?? 0;
            }
            else if (key.SequenceEqual("statusCode"u8))
            {
                e.StatusCode = ReadInt32(ref r, "error.statusCode") ?? 0;
            }
            else if (key.SequenceEqual("message"u8))
            {
                e.Message = ReadString(ref r, "error.message");
            }
            else if (key.SequenceEqual("href"u8))
            {
                e.Href = ReadString(ref r, "error.href");
            }
            else if (key.SequenceEqual("cause"u8))
            {
                switch (r.NextMessagePackType)
                {
                    case MessagePackType.Map:
                        e.Cause = ReadError(ref r, depth + 1);
                        break;
                    case MessagePackType.String:
                        e.Cause = new ErrorInfo { Message = r.ReadString() };
                        break;
                    default:
                        Skip(ref r, depth + 1);
                        break;
                }
            }
            else if (key.SequenceEqual("detail"u8))
            {
                e.Detail = ReadStringMap(ref r, "error.detail", depth + 1);
            }
            else
            {
                Skip(ref r, depth + 1);
            }
        }

        return e;
    }

    public static ConnectionDetails ReadConnectionDetails(ref MessagePackReader r, int depth)
    {
        var count = ExpectMap(ref r, "connectionDetails", depth);
        var d = new ConnectionDetails();
        for (var i = 0; i < count; i++)
        {
            var key = ReadKey(ref r);
            if (key.SequenceEqual("clientId"u8))
            {
                d.ClientId = ReadString(ref r, "connectionDetails.clientId");
            }
            else if (key.SequenceEqual("connectionKey"u8))
            {
                d.ConnectionKey = ReadString(ref r, "connectionDetails.connectionKey");
            }
            else if (key.SequenceEqual("maxMessageSize"u8))
            {
                d.MaxMessageSize = ReadInt64(ref r, "connectionDetails.maxMessageSize");
            }
            else if (key.SequenceEqual("maxFrameSize"u8))
            {
                d.MaxFrameSize = ReadInt64(ref r, "connectionDetails.maxFrameSize");
            }
            else if (key.SequenceEqual("maxInboundRate"u8))
            {
                d.MaxInboundRate = ReadInt64(ref r, "connectionDetails.maxInboundRate");
            }
            else if (key.SequenceEqual("connectionStateTtl"u8))
            {
                d.ConnectionStateTtl = ReadInt64(ref r, "connectionDetails.connectionStateTtl");
            }
            else if (key.SequenceEqual("maxIdleInterval"u8))
            {
                d.MaxIdleInterval = ReadInt64(ref r, "connectionDetails.maxIdleInterval");
            }
            else if (key.SequenceEqual("serverId"u8))
            {
                d.ServerId = ReadString(ref r, "connectionDetails.serverId");
            }
            else if (key.SequenceEqual("siteCode"u8))
            {
                d.SiteCode = ReadString(ref r, "connectionDetails.siteCode");
            }
            else if (key.SequenceEqual("objectsGCGracePeriod"u8))
            {
                d.ObjectsGCGracePeriod = ReadInt64(ref r, "connectionDetails.objectsGCGracePeriod");
            }
            else
            {
                Skip(ref r, depth + 1);
            }
        }

        return d;
    }

    public static AuthDetails ReadAuth(ref MessagePackReader r, int depth)
    {
        var count = ExpectMap(ref r, "auth", depth);
        var a = new AuthDetails();
        for (var i = 0; i < count; i++)
        {
            var key = ReadKey(ref r);
            if (key.SequenceEqual("accessToken"u8))
            {
                a.AccessToken = ReadString(ref r, "auth.accessToken");
            }
            else
            {
                Skip(ref r, depth + 1);
            }
        }

        return a;
    }

    public static PublishResult ReadPublishResult(ref MessagePackReader r, int depth)
    {
        var count = ExpectMap(ref r, "res", depth);
        var p = new PublishResult();
        for (var i = 0; i < count; i++)
        {
            var key = ReadKey(ref r);
            if (key.SequenceEqual("serials"u8))
            {
                p.Serials = ReadArray(ref r, "res.serials", depth + 1, static (ref MessagePackReader x, int _) => ReadString(ref x, "res.serials[]"));
            }
            else
            {
                Skip(ref r, depth + 1);
            }
        }

        return p;
    }

    public static TokenRequest ReadTokenRequest(ref MessagePackReader r, int depth)
    {
        var count = ExpectMap(ref r, "TokenRequest", depth);
        var t = new TokenRequest();
        for (var i = 0; i < count; i++)
        {
            var key = ReadKey(ref r);
            if (key.SequenceEqual("keyName"u8))
            {
                t.KeyName = ReadString(ref r, "keyName");
            }
            else if (key.SequenceEqual("ttl"u8))
            {
                t.Ttl = ReadInt64OrNumericString(ref r, "ttl");
            }
            else if (key.SequenceEqual("capability"u8))
            {
                t.Capability = ReadCapabilityString(ref r, depth + 1);
            }
            else if (key.SequenceEqual("clientId"u8))
            {
                t.ClientId = ReadString(ref r, "clientId");
            }
            else if (key.SequenceEqual("timestamp"u8))
            {
                t.Timestamp = ReadInt64OrNumericString(ref r, "timestamp");
            }
            else if (key.SequenceEqual("nonce"u8))
            {
                t.Nonce = ReadString(ref r, "nonce");
            }
            else if (key.SequenceEqual("mac"u8))
            {
                t.Mac = ReadString(ref r, "mac");
            }
            else
            {
                Skip(ref r, depth + 1);
            }
        }

        return t;
    }

    public static TokenDetails ReadTokenDetails(ref MessagePackReader r, int depth)
    {
        var count = ExpectMap(ref r, "TokenDetails", depth);
        var t = new TokenDetails();
        for (var i = 0; i < count; i++)
        {
            var key = ReadKey(ref r);
            if (key.SequenceEqual("token"u8))
            {
                t.Token = ReadString(ref r, "token");
            }
            else if (key.SequenceEqual("keyName"u8))
            {
                t.KeyName = ReadString(ref r, "keyName");
            }
            else if (key.SequenceEqual("issued"u8))
            {
                t.Issued = ReadInt64OrNumericString(ref r, "issued");
            }
            else if (key.SequenceEqual("expires"u8))
            {
                t.Expires = ReadInt64OrNumericString(ref r, "expires");
            }
            else if (key.SequenceEqual("capability"u8))
            {
                t.Capability = ReadCapabilityString(ref r, depth + 1);
            }
            else if (key.SequenceEqual("clientId"u8))
            {
                t.ClientId = ReadString(ref r, "clientId");
            }
            else
            {
                Skip(ref r, depth + 1);
            }
        }

        return t;
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>One map or an array of them (REST accepts both forms of a publish body).</summary>
    public static List<T> ReadOneOrMany<T>(ref MessagePackReader r, string what, int depth, ReadFunc<T> read) where T : class
    {
        if (r.NextMessagePackType == MessagePackType.Map)
        {
            return [read(ref r, depth)];
        }

        return ReadArray(ref r, what, depth, read) ?? throw Malformed($"The {what} must be a map or an array, not nil.");
    }

    public static List<T>? ReadArray<T>(ref MessagePackReader r, string field, int depth, ReadFunc<T> read)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        CheckDepth(depth);
        if (r.NextMessagePackType != MessagePackType.Array)
        {
            throw WrongType(field, "an array", r.NextMessagePackType);
        }

        var count = r.ReadArrayHeader();

        // The header's count is untrusted: grow as items actually arrive.
        var list = new List<T>(Math.Min(count, 64));
        for (var i = 0; i < count; i++)
        {
            list.Add(read(ref r, depth + 1));
        }

        return list;
    }

    private static int ExpectMap(ref MessagePackReader r, string what, int depth)
    {
        CheckDepth(depth);
        if (r.NextMessagePackType != MessagePackType.Map)
        {
            throw WrongType(what, "a map", r.NextMessagePackType);
        }

        return r.ReadMapHeader();
    }

    private static void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Malformed($"The msgpack nests deeper than {MaxDepth} levels.");
        }
    }

    /// <summary>A map key as UTF-8 bytes; keys are str, but bin is accepted too.</summary>
    private static ReadOnlySpan<byte> ReadKey(ref MessagePackReader r)
    {
        switch (r.NextMessagePackType)
        {
            case MessagePackType.String:
                if (r.TryReadStringSpan(out var span))
                {
                    return span;
                }

                return r.ReadStringSequence() is { } seq ? seq.ToArray() : default;
            case MessagePackType.Binary:
                return r.ReadBytes() is { } bytes ? bytes.ToArray() : default;
            default:
                throw WrongType("map key", "a string", r.NextMessagePackType);
        }
    }

    internal static void Skip(ref MessagePackReader r, int depth)
    {
        CheckDepth(depth);
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Map:
            {
                var count = r.ReadMapHeader();
                for (var i = 0; i < count; i++)
                {
                    Skip(ref r, depth + 1);
                    Skip(ref r, depth + 1);
                }

                break;
            }

            case MessagePackType.Array:
            {
                var count = r.ReadArrayHeader();
                for (var i = 0; i < count; i++)
                {
                    Skip(ref r, depth + 1);
                }

                break;
            }

            default:
                r.Skip();
                break;
        }
    }

    private static WireData ReadData(ref MessagePackReader r, int depth)
    {
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Nil:
                r.ReadNil();
                return WireData.None;
            case MessagePackType.String:
                return WireData.FromString(r.ReadString()!);
            case MessagePackType.Binary:
                return WireData.FromBytes(r.ReadBytes() is { } bytes ? bytes.ToArray() : []);
            case MessagePackType.Extension:
                throw Malformed("Field 'data' must not be a msgpack extension.");
            default:
                return WireData.FromJson(ReadAsJson(ref r, depth));
        }
    }

    private static string? ReadString(ref MessagePackReader r, string field)
    {
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Nil:
                r.ReadNil();
                return null;
            case MessagePackType.String:
                return r.ReadString();
            case MessagePackType.Binary:
                return r.ReadBytes() is { } bytes ? StrictUtf8.GetString(bytes.ToArray()) : null;
            default:
                throw WrongType(field, "a string", r.NextMessagePackType);
        }
    }

    private static string? ReadCapabilityString(ref MessagePackReader r, int depth) =>
        r.NextMessagePackType == MessagePackType.Map ? ReadAsJson(ref r, depth).GetRawText() : ReadString(ref r, "capability");

    private static int? ReadInt32(ref MessagePackReader r, string field)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        if (r.NextMessagePackType == MessagePackType.Integer)
        {
            return r.ReadInt32();
        }

        throw WrongType(field, "a 32-bit integer", r.NextMessagePackType);
    }

    private static long? ReadInt64(ref MessagePackReader r, string field)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        if (r.NextMessagePackType == MessagePackType.Integer)
        {
            return r.ReadInt64();
        }

        throw WrongType(field, "an integer", r.NextMessagePackType);
    }

    /// <summary>msgpack encoders may write a millisecond time as a float64; the fraction is dropped.</summary>
    private static long? ReadTimestamp(ref MessagePackReader r, string field)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        return r.NextMessagePackType switch
        {
            MessagePackType.Integer => JsonWire.CheckTimestamp(r.ReadInt64(), field),
            MessagePackType.Float => JsonWire.CheckTimestamp(r.ReadDouble(), field),
            _ => throw WrongType(field, "a number (milliseconds)", r.NextMessagePackType),
        };
    }

    private static long? ReadInt64OrNumericString(ref MessagePackReader r, string field)
    {
        if (r.NextMessagePackType == MessagePackType.String)
        {
            var text = r.ReadString();
            return long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw Malformed($"Field '{field}' must be a number.");
        }

        return ReadTimestamp(ref r, field);
    }

    private static Dictionary<string, string>? ReadStringMap(ref MessagePackReader r, string field, int depth)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        var count = ExpectMap(ref r, field, depth);
        var map = new Dictionary<string, string>(Math.Min(count, 64), StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = ReadString(ref r, field + " key") ?? throw Malformed($"A key of '{field}' is nil.");
            map[key] = r.NextMessagePackType switch
            {
                MessagePackType.String or MessagePackType.Binary => ReadString(ref r, $"{field}.{key}")!,

                // Parameters are strings on the wire, but a peer may send a number or a boolean: keep its text.
                MessagePackType.Integer or MessagePackType.Float or MessagePackType.Boolean => ReadAsJson(ref r, depth + 1).GetRawText(),
                _ => throw WrongType($"{field}.{key}", "a string", r.NextMessagePackType),
            };
        }

        return map;
    }

    /// <summary>Reads any msgpack value as JSON: maps with string keys as objects, bin as a base64 string.</summary>
    public static JsonElement ReadAsJson(ref MessagePackReader r, int depth)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonWire.WriterOptions))
        {
            CopyAsJson(ref r, writer, depth);
        }

        return JsonWire.ParseElement(buffer.WrittenMemory);
    }

    private static void CopyAsJson(ref MessagePackReader r, Utf8JsonWriter w, int depth)
    {
        CheckDepth(depth);
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Nil:
                r.ReadNil();
                w.WriteNullValue();
                break;
            case MessagePackType.Boolean:
                w.WriteBooleanValue(r.ReadBoolean());
                break;
            case MessagePackType.Integer:
                if (r.NextCode == MessagePackCode.UInt64)
                {
                    w.WriteNumberValue(r.ReadUInt64());
                }
                else
                {
                    w.WriteNumberValue(r.ReadInt64());
                }

                break;
            case MessagePackType.Float:
                var d = r.ReadDouble();
                if (!double.IsFinite(d))
                {
                    throw Malformed("A msgpack float is NaN or infinite, which JSON cannot carry.");
                }

                w.WriteNumberValue(d);
                break;
            case MessagePackType.String:
                w.WriteStringValue(r.ReadString());
                break;
            case MessagePackType.Binary:
                w.WriteBase64StringValue(r.ReadBytes() is { } bytes ? bytes.ToArray() : []);
                break;
            case MessagePackType.Array:
            {
                var count = r.ReadArrayHeader();
                w.WriteStartArray();
                for (var i = 0; i < count; i++)
                {
                    CopyAsJson(ref r, w, depth + 1);
                }

                w.WriteEndArray();
                break;
            }

            case MessagePackType.Map:
            {
                var count = r.ReadMapHeader();
                w.WriteStartObject();
                for (var i = 0; i < count; i++)
                {
                    var name = r.NextMessagePackType switch
                    {
                        MessagePackType.String or MessagePackType.Binary => ReadString(ref r, "map key")!,
                        MessagePackType.Integer => r.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => throw WrongType("map key", "a string", r.NextMessagePackType),
                    };
                    w.WritePropertyName(name);
                    CopyAsJson(ref r, w, depth + 1);
                }

                w.WriteEndObject();
                break;
            }

            default:
                throw Malformed("A msgpack extension type cannot be read as JSON.");
        }
    }

    private static AblyProtocolException WrongType(string field, string expected, MessagePackType actual) =>
        Malformed($"Field '{field}' must be {expected}, not msgpack {actual}.");

    private static AblyProtocolException Malformed(string message, Exception? inner = null) => AblyProtocolException.Malformed(message, inner);
}
