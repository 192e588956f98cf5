using System.Text.Json;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

// JsonWire: reading protocol messages and their parts from JSON.
public static partial class JsonWire
{
    internal static ProtocolMessage ReadProtocolMessage(ref Utf8JsonReader r)
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

    internal static WireMessage ReadMessage(ref Utf8JsonReader r)
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

    internal static WirePresenceMessage ReadPresence(ref Utf8JsonReader r)
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

    internal static MessageVersion ReadVersion(ref Utf8JsonReader r)
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

    internal static ErrorInfo ReadError(ref Utf8JsonReader r)
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

    internal static ConnectionDetails ReadConnectionDetails(ref Utf8JsonReader r)
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

    internal static AuthDetails ReadAuth(ref Utf8JsonReader r)
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

    internal static PublishResult ReadPublishResult(ref Utf8JsonReader r)
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

    internal static TokenRequest ReadTokenRequest(ref Utf8JsonReader r)
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

    internal static TokenDetails ReadTokenDetails(ref Utf8JsonReader r)
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

    internal delegate T ReadFunc<T>(ref Utf8JsonReader reader);
}
