using System.Text.Json;
using MessagePack;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

// MsgPackWire: writing protocol messages and their parts as msgpack.
public static partial class MsgPackWire
{
    internal static void WriteProtocolMessage(ref MessagePackWriter w, ProtocolMessage m)
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

    internal static void WriteMessage(ref MessagePackWriter w, WireMessage m)
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

    internal static void WritePresence(ref MessagePackWriter w, WirePresenceMessage m)
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

    internal static void WriteVersion(ref MessagePackWriter w, MessageVersion v)
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

    internal static void WriteError(ref MessagePackWriter w, ErrorInfo e)
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

    internal static void WriteConnectionDetails(ref MessagePackWriter w, ConnectionDetails d)
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

    internal static void WriteAuth(ref MessagePackWriter w, AuthDetails a)
    {
        w.WriteMapHeader(Count(a.AccessToken));
        WriteIf(ref w, "accessToken"u8, a.AccessToken);
    }

    internal static void WritePublishResult(ref MessagePackWriter w, PublishResult r)
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

    /// <summary>Writes a TokenRequest (TE1) as a msgpack map.</summary>
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

    internal static void WriteTokenDetails(ref MessagePackWriter w, TokenDetails t)
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
    internal static void WriteJson(ref MessagePackWriter w, JsonElement e)
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

    internal delegate T ReadFunc<T>(ref MessagePackReader reader, int depth);
}
