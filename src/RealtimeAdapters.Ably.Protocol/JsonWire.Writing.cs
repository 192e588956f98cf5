using System.Text.Json;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

// JsonWire: writing protocol messages and their parts as JSON.
public static partial class JsonWire
{
    internal static void WriteProtocolMessage(Utf8JsonWriter w, ProtocolMessage m)
    {
        w.WriteStartObject();
        w.WriteNumber("action"u8, (int)m.Action);
        WriteIf(w, "id"u8, m.Id);
        if (m.Auth is { } auth)
        {
            w.WritePropertyName("auth"u8);
            WriteAuth(w, auth);
        }

        WriteIf(w, "channel"u8, m.Channel);
        WriteIf(w, "channelSerial"u8, m.ChannelSerial);
        WriteIf(w, "connectionId"u8, m.ConnectionId);
        WriteIf(w, "connectionKey"u8, m.ConnectionKey);
        if (m.ConnectionDetails is { } details)
        {
            w.WritePropertyName("connectionDetails"u8);
            WriteConnectionDetails(w, details);
        }

        WriteIf(w, "count"u8, m.Count);
        if (m.Error is { } error)
        {
            w.WritePropertyName("error"u8);
            WriteError(w, error);
        }

        if (m.Flags is { } flags)
        {
            w.WriteNumber("flags"u8, (long)(uint)flags);
        }

        WriteIf(w, "msgSerial"u8, m.MsgSerial);
        if (m.Messages is { } messages)
        {
            w.WriteStartArray("messages"u8);
            foreach (var message in messages)
            {
                WriteMessage(w, message);
            }

            w.WriteEndArray();
        }

        if (m.Presence is { } presence)
        {
            w.WriteStartArray("presence"u8);
            foreach (var p in presence)
            {
                WritePresence(w, p);
            }

            w.WriteEndArray();
        }

        if (m.State is { } state)
        {
            w.WriteStartArray("state"u8);
            foreach (var o in state)
            {
                LiveObjects.ObjectMessageCodec.Write(w, o);
            }

            w.WriteEndArray();
        }

        WriteIf(w, "timestamp"u8, m.Timestamp);
        if (m.Params is { } parameters)
        {
            w.WritePropertyName("params"u8);
            WriteStringMap(w, parameters);
        }

        if (m.Res is { } res)
        {
            w.WriteStartArray("res"u8);
            foreach (var r in res)
            {
                WritePublishResult(w, r);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    internal static void WriteMessage(Utf8JsonWriter w, WireMessage m)
    {
        w.WriteStartObject();
        WriteIf(w, "id"u8, m.Id);
        WriteIf(w, "name"u8, m.Name);
        WriteData(w, m.Data, m.Encoding);
        WriteIf(w, "clientId"u8, m.ClientId);
        WriteIf(w, "connectionId"u8, m.ConnectionId);
        WriteIf(w, "connectionKey"u8, m.ConnectionKey);
        WriteIf(w, "timestamp"u8, m.Timestamp);
        if (m.Extras is { } extras)
        {
            w.WritePropertyName("extras"u8);
            extras.WriteTo(w);
        }

        if (m.Action is { } action)
        {
            w.WriteNumber("action"u8, (int)action);
        }

        WriteIf(w, "serial"u8, m.Serial);
        if (m.Version is { } version)
        {
            w.WritePropertyName("version"u8);
            WriteVersion(w, version);
        }

        w.WriteEndObject();
    }

    internal static void WritePresence(Utf8JsonWriter w, WirePresenceMessage m)
    {
        w.WriteStartObject();
        WriteIf(w, "id"u8, m.Id);
        w.WriteNumber("action"u8, (int)m.Action);
        WriteIf(w, "clientId"u8, m.ClientId);
        WriteIf(w, "connectionId"u8, m.ConnectionId);
        WriteData(w, m.Data, m.Encoding);
        if (m.Extras is { } extras)
        {
            w.WritePropertyName("extras"u8);
            extras.WriteTo(w);
        }

        WriteIf(w, "timestamp"u8, m.Timestamp);
        w.WriteEndObject();
    }

    internal static void WriteVersion(Utf8JsonWriter w, MessageVersion v)
    {
        w.WriteStartObject();
        WriteIf(w, "serial"u8, v.Serial);
        WriteIf(w, "timestamp"u8, v.Timestamp);
        WriteIf(w, "clientId"u8, v.ClientId);
        WriteIf(w, "description"u8, v.Description);
        if (v.Metadata is { } metadata)
        {
            w.WritePropertyName("metadata"u8);
            metadata.WriteTo(w);
        }

        w.WriteEndObject();
    }

    internal static void WriteError(Utf8JsonWriter w, ErrorInfo e)
    {
        w.WriteStartObject();
        w.WriteNumber("code"u8, e.Code);
        w.WriteNumber("statusCode"u8, e.StatusCode);
        WriteIf(w, "message"u8, e.Message);
        WriteIf(w, "href"u8, e.Href);
        if (e.Cause is { } cause)
        {
            w.WritePropertyName("cause"u8);
            WriteError(w, cause);
        }

        if (e.Detail is { } detail)
        {
            w.WritePropertyName("detail"u8);
            WriteStringMap(w, detail);
        }

        w.WriteEndObject();
    }

    internal static void WriteConnectionDetails(Utf8JsonWriter w, ConnectionDetails d)
    {
        w.WriteStartObject();
        WriteIf(w, "clientId"u8, d.ClientId);
        WriteIf(w, "connectionKey"u8, d.ConnectionKey);
        WriteIf(w, "maxMessageSize"u8, d.MaxMessageSize);
        WriteIf(w, "maxFrameSize"u8, d.MaxFrameSize);
        WriteIf(w, "maxInboundRate"u8, d.MaxInboundRate);
        WriteIf(w, "connectionStateTtl"u8, d.ConnectionStateTtl);
        WriteIf(w, "maxIdleInterval"u8, d.MaxIdleInterval);
        WriteIf(w, "serverId"u8, d.ServerId);
        WriteIf(w, "siteCode"u8, d.SiteCode);
        WriteIf(w, "objectsGCGracePeriod"u8, d.ObjectsGCGracePeriod);
        w.WriteEndObject();
    }

    internal static void WriteAuth(Utf8JsonWriter w, AuthDetails a)
    {
        w.WriteStartObject();
        WriteIf(w, "accessToken"u8, a.AccessToken);
        w.WriteEndObject();
    }

    internal static void WritePublishResult(Utf8JsonWriter w, PublishResult r)
    {
        w.WriteStartObject();
        if (r.Serials is { } serials)
        {
            w.WriteStartArray("serials"u8);
            foreach (var s in serials)
            {
                if (s is null)
                {
                    w.WriteNullValue();
                }
                else
                {
                    w.WriteStringValue(s);
                }
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>Writes a TokenRequest (TE1) as a JSON object.</summary>
    public static void WriteTokenRequest(Utf8JsonWriter w, TokenRequest t)
    {
        w.WriteStartObject();
        WriteIf(w, "keyName"u8, t.KeyName);
        WriteIf(w, "ttl"u8, t.Ttl);
        WriteIf(w, "capability"u8, t.Capability);
        WriteIf(w, "clientId"u8, t.ClientId);
        WriteIf(w, "timestamp"u8, t.Timestamp);
        WriteIf(w, "nonce"u8, t.Nonce);
        WriteIf(w, "mac"u8, t.Mac);
        w.WriteEndObject();
    }

    internal static void WriteTokenDetails(Utf8JsonWriter w, TokenDetails t)
    {
        w.WriteStartObject();
        WriteIf(w, "token"u8, t.Token);
        WriteIf(w, "keyName"u8, t.KeyName);
        WriteIf(w, "issued"u8, t.Issued);
        WriteIf(w, "expires"u8, t.Expires);
        WriteIf(w, "capability"u8, t.Capability);
        WriteIf(w, "clientId"u8, t.ClientId);
        w.WriteEndObject();
    }

    /// <summary>Binary cannot travel in JSON: it goes as base64 with <c>base64</c> appended to the encoding (RSL4d).</summary>
    private static void WriteData(Utf8JsonWriter w, WireData data, string? encoding)
    {
        switch (data.Kind)
        {
            case WireDataKind.String:
                w.WriteString("data"u8, data.AsString());
                break;
            case WireDataKind.Binary:
                w.WriteBase64String("data"u8, data.AsBytes());
                encoding = string.IsNullOrEmpty(encoding) ? "base64" : encoding + "/base64";
                break;
            case WireDataKind.Json:
                w.WritePropertyName("data"u8);
                data.AsJson().WriteTo(w);
                break;
        }

        WriteIf(w, "encoding"u8, encoding);
    }

    private static void WriteStringMap(Utf8JsonWriter w, IReadOnlyDictionary<string, string> map)
    {
        w.WriteStartObject();
        foreach (var (key, value) in map)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }

    private static void WriteIf(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteIf(Utf8JsonWriter w, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void WriteIf(Utf8JsonWriter w, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    // ---------------------------------------------------------------- readers
    // Each reader starts on the value's first token and ends on its last.
}
