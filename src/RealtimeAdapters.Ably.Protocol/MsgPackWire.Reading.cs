using MessagePack;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

// MsgPackWire: reading protocol messages and their parts from msgpack.
public static partial class MsgPackWire
{
    internal static ProtocolMessage ReadProtocolMessage(ref MessagePackReader r, int depth)
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

    internal static WireMessage ReadMessage(ref MessagePackReader r, int depth)
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

    internal static WirePresenceMessage ReadPresence(ref MessagePackReader r, int depth)
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

    internal static MessageVersion ReadVersion(ref MessagePackReader r, int depth)
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

    internal static ErrorInfo ReadError(ref MessagePackReader r, int depth)
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

    internal static ConnectionDetails ReadConnectionDetails(ref MessagePackReader r, int depth)
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

    internal static AuthDetails ReadAuth(ref MessagePackReader r, int depth)
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

    internal static PublishResult ReadPublishResult(ref MessagePackReader r, int depth)
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

    internal static TokenRequest ReadTokenRequest(ref MessagePackReader r, int depth)
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

    internal static TokenDetails ReadTokenDetails(ref MessagePackReader r, int depth)
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
    internal static List<T> ReadOneOrMany<T>(ref MessagePackReader r, string what, int depth, ReadFunc<T> read) where T : class
    {
        if (r.NextMessagePackType == MessagePackType.Map)
        {
            return [read(ref r, depth)];
        }

        return ReadArray(ref r, what, depth, read) ?? throw Malformed($"The {what} must be a map or an array, not nil.");
    }

    internal static List<T>? ReadArray<T>(ref MessagePackReader r, string field, int depth, ReadFunc<T> read)
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
}
