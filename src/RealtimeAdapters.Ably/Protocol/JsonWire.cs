using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using RealtimeAdapters.Ably.Auth;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// The JSON form of every wire type, written and read by hand so that unknown fields are skipped, absent fields stay
/// absent, <c>data</c> keeps its raw shape, and every type error names the field.
/// </summary>
internal static class JsonWire
{
    /// <summary>Deeper documents are refused; protocol types nest only a few levels.</summary>
    public const int MaxDepth = 64;

    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    // Frames go to WebSocket peers and HTTP bodies, never into HTML, so only what JSON itself requires is escaped.
    public static readonly JsonWriterOptions WriterOptions = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    // ---------------------------------------------------------------- writers

    public static void WriteProtocolMessage(Utf8JsonWriter w, ProtocolMessage m)
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

    public static void WriteMessage(Utf8JsonWriter w, WireMessage m)
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

    public static void WritePresence(Utf8JsonWriter w, WirePresenceMessage m)
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

    public static void WriteVersion(Utf8JsonWriter w, MessageVersion v)
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

    public static void WriteError(Utf8JsonWriter w, ErrorInfo e)
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

    public static void WriteConnectionDetails(Utf8JsonWriter w, ConnectionDetails d)
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

    public static void WriteAuth(Utf8JsonWriter w, AuthDetails a)
    {
        w.WriteStartObject();
        WriteIf(w, "accessToken"u8, a.AccessToken);
        w.WriteEndObject();
    }

    public static void WritePublishResult(Utf8JsonWriter w, PublishResult r)
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

    public static void WriteTokenDetails(Utf8JsonWriter w, TokenDetails t)
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

    public static ProtocolMessage ReadProtocolMessage(ref Utf8JsonReader r)
    {
        ExpectObject(ref r, "ProtocolMessage");
        var m = new ProtocolMessage();
        var sawAction = false;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("action"u8))
            {
                Advance(ref r);
                m.Action = (ProtocolAction)(ReadInt32(ref r, "action") ?? throw Malformed("Field 'action' of a ProtocolMessage must not be null."));
                sawAction = true;
            }
            else if (r.ValueTextEquals("id"u8))
            {
                Advance(ref r);
                m.Id = ReadString(ref r, "id");
            }
            else if (r.ValueTextEquals("auth"u8))
            {
                Advance(ref r);
                m.Auth = r.TokenType == JsonTokenType.Null ? null : ReadAuth(ref r);
            }
            else if (r.ValueTextEquals("channel"u8))
            {
                Advance(ref r);
                m.Channel = ReadString(ref r, "channel");
            }
            else if (r.ValueTextEquals("channelSerial"u8))
            {
                Advance(ref r);
                m.ChannelSerial = ReadString(ref r, "channelSerial");
            }
            else if (r.ValueTextEquals("connectionId"u8))
            {
                Advance(ref r);
                m.ConnectionId = ReadString(ref r, "connectionId");
            }
            else if (r.ValueTextEquals("connectionKey"u8))
            {
                Advance(ref r);
                m.ConnectionKey = ReadString(ref r, "connectionKey");
            }
            else if (r.ValueTextEquals("connectionDetails"u8))
            {
                Advance(ref r);
                m.ConnectionDetails = r.TokenType == JsonTokenType.Null ? null : ReadConnectionDetails(ref r);
            }
            else if (r.ValueTextEquals("count"u8))
            {
                Advance(ref r);
                m.Count = ReadInt32(ref r, "count");
            }
            else if (r.ValueTextEquals("error"u8))
            {
                Advance(ref r);
                m.Error = r.TokenType == JsonTokenType.Null ? null : ReadError(ref r);
            }
            else if (r.ValueTextEquals("flags"u8))
            {
                Advance(ref r);
                m.Flags = ReadInt64(ref r, "flags") is { } f ? (ProtocolFlags)unchecked((int)f) : null;
            }
            else if (r.ValueTextEquals("msgSerial"u8))
            {
                Advance(ref r);
                m.MsgSerial = ReadInt64(ref r, "msgSerial");
            }
            else if (r.ValueTextEquals("messages"u8))
            {
                Advance(ref r);
                m.Messages = ReadArray(ref r, "messages", static (ref Utf8JsonReader x) => ReadMessage(ref x));
            }
            else if (r.ValueTextEquals("presence"u8))
            {
                Advance(ref r);
                m.Presence = ReadArray(ref r, "presence", static (ref Utf8JsonReader x) => ReadPresence(ref x));
            }
            else if (r.ValueTextEquals("state"u8))
            {
                Advance(ref r);
                m.State = ReadArray(ref r, "state", static (ref Utf8JsonReader x) => LiveObjects.ObjectMessageCodec.Read(JsonElement.ParseValue(ref x)));
            }
            else if (r.ValueTextEquals("timestamp"u8))
            {
                Advance(ref r);
                m.Timestamp = ReadTimestamp(ref r, "timestamp");
            }
            else if (r.ValueTextEquals("params"u8))
            {
                Advance(ref r);
                m.Params = ReadStringMap(ref r, "params");
            }
            else if (r.ValueTextEquals("res"u8))
            {
                Advance(ref r);
                m.Res = ReadArray(ref r, "res", static (ref Utf8JsonReader x) => ReadPublishResult(ref x));
            }
            else
            {
                SkipValue(ref r);
            }
        }

        return sawAction ? m : throw Malformed("The ProtocolMessage has no 'action'.");
    }

    public static WireMessage ReadMessage(ref Utf8JsonReader r)
    {
        ExpectObject(ref r, "Message");
        var m = new WireMessage();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("id"u8))
            {
                Advance(ref r);
                m.Id = ReadString(ref r, "id");
            }
            else if (r.ValueTextEquals("name"u8))
            {
                Advance(ref r);
                m.Name = ReadString(ref r, "name");
            }
            else if (r.ValueTextEquals("data"u8))
            {
                Advance(ref r);
                m.Data = ReadData(ref r);
            }
            else if (r.ValueTextEquals("encoding"u8))
            {
                Advance(ref r);
                m.Encoding = ReadString(ref r, "encoding");
            }
            else if (r.ValueTextEquals("clientId"u8))
            {
                Advance(ref r);
                m.ClientId = ReadString(ref r, "clientId");
            }
            else if (r.ValueTextEquals("connectionId"u8))
            {
                Advance(ref r);
                m.ConnectionId = ReadString(ref r, "connectionId");
            }
            else if (r.ValueTextEquals("connectionKey"u8))
            {
                Advance(ref r);
                m.ConnectionKey = ReadString(ref r, "connectionKey");
            }
            else if (r.ValueTextEquals("timestamp"u8))
            {
                Advance(ref r);
                m.Timestamp = ReadTimestamp(ref r, "timestamp");
            }
            else if (r.ValueTextEquals("extras"u8))
            {
                Advance(ref r);
                m.Extras = ReadElement(ref r);
            }
            else if (r.ValueTextEquals("action"u8))
            {
                Advance(ref r);
                m.Action = ReadInt32(ref r, "action") is { } a ? (MessageAction)a : null;
            }
            else if (r.ValueTextEquals("serial"u8))
            {
                Advance(ref r);
                m.Serial = ReadString(ref r, "serial");
            }
            else if (r.ValueTextEquals("version"u8))
            {
                Advance(ref r);
                m.Version = r.TokenType == JsonTokenType.Null ? null : ReadVersion(ref r);
            }
            else
            {
                SkipValue(ref r);
            }
        }

        return m;
    }

    public static WirePresenceMessage ReadPresence(ref Utf8JsonReader r)
    {
        ExpectObject(ref r, "PresenceMessage");
        var m = new WirePresenceMessage();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("id"u8))
            {
                Advance(ref r);
                m.Id = ReadString(ref r, "id");
            }
            else if (r.ValueTextEquals("action"u8))
            {
                Advance(ref r);
                m.Action = (PresenceAction)(ReadInt32(ref r, "action") ?? 0);
            }
            else if (r.ValueTextEquals("clientId"u8))
            {
                Advance(ref r);
                m.ClientId = ReadString(ref r, "clientId");
            }
            else if (r.ValueTextEquals("connectionId"u8))
            {
                Advance(ref r);
                m.ConnectionId = ReadString(ref r, "connectionId");
            }
            else if (r.ValueTextEquals("data"u8))
            {
                Advance(ref r);
                m.Data = ReadData(ref r);
            }
            else if (r.ValueTextEquals("encoding"u8))
            {
                Advance(ref r);
                m.Encoding = ReadString(ref r, "encoding");
            }
            else if (r.ValueTextEquals("extras"u8))
            {
                Advance(ref r);
                m.Extras = ReadElement(ref r);
            }
            else if (r.ValueTextEquals("timestamp"u8))
            {
                Advance(ref r);
                m.Timestamp = ReadTimestamp(ref r, "timestamp");
            }
            else
            {
                SkipValue(ref r);
            }
        }

        return m;
    }

    public static MessageVersion ReadVersion(ref Utf8JsonReader r)
    {
        ExpectObject(ref r, "version");
        var v = new MessageVersion();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("serial"u8))
            {
                Advance(ref r);
                v.Serial = ReadString(ref r, "version.serial");
            }
            else if (r.ValueTextEquals("timestamp"u8))
            {
                Advance(ref r);
                v.Timestamp = ReadTimestamp(ref r, "version.timestamp");
            }
            else if (r.ValueTextEquals("clientId"u8))
            {
                Advance(ref r);
                v.ClientId = ReadString(ref r, "version.clientId");
            }
            else if (r.ValueTextEquals("description"u8))
            {
                Advance(ref r);
                v.Description = ReadString(ref r, "version.description");
            }
            else if (r.ValueTextEquals("metadata"u8))
            {
                Advance(ref r);
                v.Metadata = ReadElement(ref r);
            }
            else
            {
                SkipValue(ref r);
            }
        }

        return v;
    }

    public static ErrorInfo ReadError(ref Utf8JsonReader r)
    {
        ExpectObject(ref r, "error");
        var e = new ErrorInfo();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("code"u8))
            {
                Advance(ref r);
                e.Code = ReadInt32(ref r, "error.code") ?? 0;
            }
            else if (r.ValueTextEquals("statusCode"u8))
            {
                Advance(ref r);
                e.StatusCode = ReadInt32(ref r, "error.statusCode") ?? 0;
            }
            else if (r.ValueTextEquals("message"u8))
            {
                Advance(ref r);
                e.Message = ReadString(ref r, "error.message");
            }
            else if (r.ValueTextEquals("href"u8))
            {
                Advance(ref r);
                e.Href = ReadString(ref r, "error.href");
            }
            else if (r.ValueTextEquals("cause"u8))
            {
                Advance(ref r);

                // ably-js may send a cause that is a bare string or some other non-ErrorInfo shape.
                if (r.TokenType == JsonTokenType.StartObject)
                {
                    e.Cause = ReadError(ref r);
                }
                else if (r.TokenType == JsonTokenType.String)
                {
                    e.Cause = new ErrorInfo { Message = r.GetString() };
                }
                else
                {
                    SkipValue(ref r);
                }
            }
            else if (r.ValueTextEquals("detail"u8))
            {
                Advance(ref r);
                e.Detail = ReadStringMap(ref r, "error.detail");
            }
            else
            {
                SkipValue(ref r);
            }
        }

        return e;
    }

    public static ConnectionDetails ReadConnectionDetails(ref Utf8JsonReader r)
    {
        ExpectObject(ref r, "connectionDetails");
        var d = new ConnectionDetails();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("clientId"u8))
            {
                Advance(ref r);
                d.ClientId = ReadString(ref r, "connectionDetails.clientId");
            }
            else if (r.ValueTextEquals("connectionKey"u8))
            {
                Advance(ref r);
                d.ConnectionKey = ReadString(ref r, "connectionDetails.connectionKey");
            }
            else if (r.ValueTextEquals("maxMessageSize"u8))
            {
                Advance(ref r);
                d.MaxMessageSize = ReadInt64(ref r, "connectionDetails.maxMessageSize");
            }
            else if (r.ValueTextEquals("maxFrameSize"u8))
            {
                Advance(ref r);
                d.MaxFrameSize = ReadInt64(ref r, "connectionDetails.maxFrameSize");
            }
            else if (r.ValueTextEquals("maxInboundRate"u8))
            {
                Advance(ref r);
                d.MaxInboundRate = ReadInt64(ref r, "connectionDetails.maxInboundRate");
            }
            else if (r.ValueTextEquals("connectionStateTtl"u8))
            {
                Advance(ref r);
                d.ConnectionStateTtl = ReadInt64(ref r, "connectionDetails.connectionStateTtl");
            }
            else if (r.ValueTextEquals("maxIdleInterval"u8))
            {
                Advance(ref r);
                d.MaxIdleInterval = ReadInt64(ref r, "connectionDetails.maxIdleInterval");
            }
            else if (r.ValueTextEquals("serverId"u8))
            {
                Advance(ref r);
                d.ServerId = ReadString(ref r, "connectionDetails.serverId");
            }
            else if (r.ValueTextEquals("siteCode"u8))
            {
                Advance(ref r);
                d.SiteCode = ReadString(ref r, "connectionDetails.siteCode");
            }
            else if (r.ValueTextEquals("objectsGCGracePeriod"u8))
            {
                Advance(ref r);
                d.ObjectsGCGracePeriod = ReadInt64(ref r, "connectionDetails.objectsGCGracePeriod");
            }
            else
            {
                SkipValue(ref r);
            }
        }

        return d;
    }

    public static AuthDetails ReadAuth(ref Utf8JsonReader r)
    {
        ExpectObject(ref r, "auth");
        var a = new AuthDetails();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("accessToken"u8))
            {
                Advance(ref r);
                a.AccessToken = ReadString(ref r, "auth.accessToken");
            }
            else
            {
                SkipValue(ref r);
            }
        }

        return a;
    }

    public static PublishResult ReadPublishResult(ref Utf8JsonReader r)
    {
        ExpectObject(ref r, "res");
        var p = new PublishResult();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("serials"u8))
            {
                Advance(ref r);
                p.Serials = ReadArray(ref r, "res.serials", static (ref Utf8JsonReader x) => ReadString(ref x, "res.serials[]"));
            }
            else
            {
                SkipValue(ref r);
            }
        }

        return p;
    }

    public static TokenRequest ReadTokenRequest(ref Utf8JsonReader r)
    {
        ExpectObject(ref r, "TokenRequest");
        var t = new TokenRequest();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("keyName"u8))
            {
                Advance(ref r);
                t.KeyName = ReadString(ref r, "keyName");
            }
            else if (r.ValueTextEquals("ttl"u8))
            {
                Advance(ref r);
                t.Ttl = ReadInt64OrNumericString(ref r, "ttl");
            }
            else if (r.ValueTextEquals("capability"u8))
            {
                Advance(ref r);
                t.Capability = ReadCapabilityString(ref r);
            }
            else if (r.ValueTextEquals("clientId"u8))
            {
                Advance(ref r);
                t.ClientId = ReadString(ref r, "clientId");
            }
            else if (r.ValueTextEquals("timestamp"u8))
            {
                Advance(ref r);
                t.Timestamp = ReadInt64OrNumericString(ref r, "timestamp");
            }
            else if (r.ValueTextEquals("nonce"u8))
            {
                Advance(ref r);
                t.Nonce = ReadString(ref r, "nonce");
            }
            else if (r.ValueTextEquals("mac"u8))
            {
                Advance(ref r);
                t.Mac = ReadString(ref r, "mac");
            }
            else
            {
                SkipValue(ref r);
            }
        }

        return t;
    }

    public static TokenDetails ReadTokenDetails(ref Utf8JsonReader r)
    {
        ExpectObject(ref r, "TokenDetails");
        var t = new TokenDetails();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("token"u8))
            {
                Advance(ref r);
                t.Token = ReadString(ref r, "token");
            }
            else if (r.ValueTextEquals("keyName"u8))
            {
                Advance(ref r);
                t.KeyName = ReadString(ref r, "keyName");
            }
            else if (r.ValueTextEquals("issued"u8))
            {
                Advance(ref r);
                t.Issued = ReadInt64OrNumericString(ref r, "issued");
            }
            else if (r.ValueTextEquals("expires"u8))
            {
                Advance(ref r);
                t.Expires = ReadInt64OrNumericString(ref r, "expires");
            }
            else if (r.ValueTextEquals("capability"u8))
            {
                Advance(ref r);
                t.Capability = ReadCapabilityString(ref r);
            }
            else if (r.ValueTextEquals("clientId"u8))
            {
                Advance(ref r);
                t.ClientId = ReadString(ref r, "clientId");
            }
            else
            {
                SkipValue(ref r);
            }
        }

        return t;
    }

    // ---------------------------------------------------------------- helpers

    public delegate T ReadFunc<T>(ref Utf8JsonReader reader);

    /// <summary>Reads one whole document with <paramref name="read"/>, turning every reader failure into a 40000 error.</summary>
    public static T ReadDocument<T>(ReadOnlySpan<byte> utf8, ReadFunc<T> read, string what)
    {
        if (utf8.IsEmpty)
        {
            throw Malformed($"The {what} is empty.");
        }

        try
        {
            var r = new Utf8JsonReader(utf8, ReaderOptions);
            Advance(ref r);

            var value = read(ref r);
            if (r.Read())
            {
                throw Malformed($"The {what} has content after its end.");
            }

            return value;
        }
        catch (JsonException ex)
        {
            throw Malformed($"The {what} is not valid JSON: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw Malformed($"The {what} is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>One object or an array of them (REST accepts both forms of a publish body).</summary>
    public static List<T> ReadOneOrMany<T>(ref Utf8JsonReader r, string what, ReadFunc<T> read) where T : class
    {
        if (r.TokenType == JsonTokenType.StartObject)
        {
            return [read(ref r)];
        }

        return ReadArray(ref r, what, read) ?? throw Malformed($"The {what} must be an object or an array, not null.");
    }

    public static List<T>? ReadArray<T>(ref Utf8JsonReader r, string field, ReadFunc<T> read)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw WrongType(field, "an array", r.TokenType);
        }

        var list = new List<T>();
        while (true)
        {
            Advance(ref r);
            if (r.TokenType == JsonTokenType.EndArray)
            {
                return list;
            }

            list.Add(read(ref r));
        }
    }

    private static void ExpectObject(ref Utf8JsonReader r, string what)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw WrongType(what, "an object", r.TokenType);
        }
    }

    /// <summary>Moves to the next property name; false at the end of the object.</summary>
    private static bool NextProperty(ref Utf8JsonReader r)
    {
        Advance(ref r);
        return r.TokenType != JsonTokenType.EndObject;
    }

    private static void Advance(ref Utf8JsonReader r)
    {
        if (!r.Read())
        {
            throw Malformed("The JSON ends too early.");
        }
    }

    private static void SkipValue(ref Utf8JsonReader r)
    {
        Advance(ref r);
        r.Skip();
    }

    private static WireData ReadData(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.Null => WireData.None,
        JsonTokenType.String => WireData.FromString(r.GetString()!),
        _ => WireData.FromJson(JsonElement.ParseValue(ref r)),
    };

    private static JsonElement? ReadElement(ref Utf8JsonReader r) =>
        r.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref r);

    private static string? ReadString(ref Utf8JsonReader r, string field) => r.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => r.GetString(),
        _ => throw WrongType(field, "a string", r.TokenType),
    };

    /// <summary>A capability is a JSON string, but a client may send the object itself: keep its text then.</summary>
    private static string? ReadCapabilityString(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => r.GetString(),
        JsonTokenType.StartObject => JsonElement.ParseValue(ref r).GetRawText(),
        _ => throw WrongType("capability", "a string", r.TokenType),
    };

    private static int? ReadInt32(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType == JsonTokenType.Number && r.TryGetInt32(out var value))
        {
            return value;
        }

        throw WrongType(field, "a 32-bit integer", r.TokenType);
    }

    private static long? ReadInt64(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var value))
        {
            return value;
        }

        throw WrongType(field, "an integer", r.TokenType);
    }

    /// <summary>Timestamps may come as floating-point numbers (e.g. <c>1.7e12</c>); the fraction of a millisecond is dropped.</summary>
    private static long? ReadTimestamp(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType == JsonTokenType.Number)
        {
            if (r.TryGetInt64(out var value))
            {
                return CheckTimestamp(value, field);
            }

            if (r.TryGetDouble(out var d))
            {
                return CheckTimestamp(d, field);
            }
        }

        throw WrongType(field, "a number (milliseconds)", r.TokenType);
    }

    private static long? ReadInt64OrNumericString(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType == JsonTokenType.String &&
            long.TryParse(r.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        return ReadTimestamp(ref r, field);
    }

    private static Dictionary<string, string>? ReadStringMap(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        ExpectObject(ref r, field);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (NextProperty(ref r))
        {
            var key = r.GetString()!;
            Advance(ref r);
            map[key] = r.TokenType switch
            {
                JsonTokenType.String => r.GetString()!,

                // Parameters are strings on the wire, but a peer may send a number or a boolean: keep its text.
                JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False =>
                    System.Text.Encoding.UTF8.GetString(r.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(r.ValueSequence) : r.ValueSpan),
                _ => throw WrongType($"{field}.{key}", "a string", r.TokenType),
            };
        }

        return map;
    }

    internal static long CheckTimestamp(double value, string field) =>
        double.IsFinite(value) && value >= MinTimestamp && value <= MaxTimestamp
            ? (long)value
            : throw Malformed($"Field '{field}' is not a valid time in milliseconds.");

    /// <summary>The range <see cref="DateTimeOffset.FromUnixTimeMilliseconds"/> accepts: a timestamp outside it is malformed.</summary>
    internal const long MinTimestamp = -62_135_596_800_000;

    internal const long MaxTimestamp = 253_402_300_799_999;

    internal static long CheckTimestamp(long value, string field) =>
        value is >= MinTimestamp and <= MaxTimestamp ? value : throw Malformed($"Field '{field}' is not a valid time in milliseconds.");

    /// <summary>Parses a JSON value standing alone (e.g. a <c>json</c>-encoded payload) with the depth limit.</summary>
    public static JsonElement ParseElement(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8, DocumentOptions);
        return document.RootElement.Clone();
    }

    public static JsonElement ParseElement(string text)
    {
        using var document = JsonDocument.Parse(text, DocumentOptions);
        return document.RootElement.Clone();
    }

    private static AblyProtocolException WrongType(string field, string expected, JsonTokenType actual) =>
        Malformed($"Field '{field}' must be {expected}, not {Describe(actual)}.");

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static AblyProtocolException Malformed(string message, Exception? inner = null) => AblyProtocolException.Malformed(message, inner);
}
