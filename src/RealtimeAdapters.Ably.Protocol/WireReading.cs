using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// The field list of every wire type read from the wire, once for both formats: each reader is generic over the
/// format's <see cref="IWireReader"/> (JSON or msgpack). Unknown fields are skipped, absent fields stay absent, and every
/// type error names the field.
/// </summary>
internal static class WireReading
{
    internal static ProtocolMessage ReadProtocolMessage<TReader>(ref TReader r)
        where TReader : IWireReader, allows ref struct
    {
        var state = r.BeginObject("ProtocolMessage");
        var m = new ProtocolMessage();
        var sawAction = false;
        while (r.NextField(ref state))
        {
            if (r.FieldIs("action"u8))
            {
                m.Action = (ProtocolAction)(r.ReadInt32("action") ?? throw AblyProtocolException.Malformed($"Field 'action' of a ProtocolMessage must not be {r.NullName}."));
                sawAction = true;
            }
            else if (r.FieldIs("id"u8))
            {
                m.Id = r.ReadString("id");
            }
            else if (r.FieldIs("auth"u8))
            {
                m.Auth = r.TryReadNull() ? null : ReadAuth(ref r);
            }
            else if (r.FieldIs("channel"u8))
            {
                m.Channel = r.ReadString("channel");
            }
            else if (r.FieldIs("channelSerial"u8))
            {
                m.ChannelSerial = r.ReadString("channelSerial");
            }
            else if (r.FieldIs("connectionId"u8))
            {
                m.ConnectionId = r.ReadString("connectionId");
            }
            else if (r.FieldIs("connectionKey"u8))
            {
                m.ConnectionKey = r.ReadString("connectionKey");
            }
            else if (r.FieldIs("connectionDetails"u8))
            {
                m.ConnectionDetails = r.TryReadNull() ? null : ReadConnectionDetails(ref r);
            }
            else if (r.FieldIs("count"u8))
            {
                m.Count = r.ReadInt32("count");
            }
            else if (r.FieldIs("error"u8))
            {
                m.Error = r.TryReadNull() ? null : ReadError(ref r);
            }
            else if (r.FieldIs("flags"u8))
            {
                m.Flags = r.ReadInt64("flags") is { } f ? (ProtocolFlags)unchecked((int)f) : null;
            }
            else if (r.FieldIs("msgSerial"u8))
            {
                m.MsgSerial = r.ReadInt64("msgSerial");
            }
            else if (r.FieldIs("messages"u8))
            {
                m.Messages = ReadArray(ref r, "messages", static (ref TReader x) => ReadMessage(ref x));
            }
            else if (r.FieldIs("presence"u8))
            {
                m.Presence = ReadArray(ref r, "presence", static (ref TReader x) => ReadPresence(ref x));
            }
            else if (r.FieldIs("state"u8))
            {
                m.State = ReadArray(ref r, "state", static (ref TReader x) => LiveObjects.ObjectMessageCodec.Read(x.ReadJson()));
            }
            else if (r.FieldIs("timestamp"u8))
            {
                m.Timestamp = r.ReadTimestamp("timestamp");
            }
            else if (r.FieldIs("params"u8))
            {
                m.Params = r.ReadStringMap("params");
            }
            else if (r.FieldIs("res"u8))
            {
                m.Res = ReadArray(ref r, "res", static (ref TReader x) => ReadPublishResult(ref x));
            }
            else
            {
                r.SkipField();
            }
        }

        return sawAction ? m : throw AblyProtocolException.Malformed("The ProtocolMessage has no 'action'.");
    }

    internal static WireMessage ReadMessage<TReader>(ref TReader r)
        where TReader : IWireReader, allows ref struct
    {
        var state = r.BeginObject("Message");
        var m = new WireMessage();
        while (r.NextField(ref state))
        {
            if (r.FieldIs("id"u8))
            {
                m.Id = r.ReadString("id");
            }
            else if (r.FieldIs("name"u8))
            {
                m.Name = r.ReadString("name");
            }
            else if (r.FieldIs("data"u8))
            {
                m.Data = r.ReadData();
            }
            else if (r.FieldIs("encoding"u8))
            {
                m.Encoding = r.ReadString("encoding");
            }
            else if (r.FieldIs("clientId"u8))
            {
                m.ClientId = r.ReadString("clientId");
            }
            else if (r.FieldIs("connectionId"u8))
            {
                m.ConnectionId = r.ReadString("connectionId");
            }
            else if (r.FieldIs("connectionKey"u8))
            {
                m.ConnectionKey = r.ReadString("connectionKey");
            }
            else if (r.FieldIs("timestamp"u8))
            {
                m.Timestamp = r.ReadTimestamp("timestamp");
            }
            else if (r.FieldIs("extras"u8))
            {
                m.Extras = r.ReadElement();
            }
            else if (r.FieldIs("action"u8))
            {
                m.Action = r.ReadInt32("action") is { } a ? (MessageAction)a : null;
            }
            else if (r.FieldIs("serial"u8))
            {
                m.Serial = r.ReadString("serial");
            }
            else if (r.FieldIs("version"u8))
            {
                m.Version = r.TryReadNull() ? null : ReadVersion(ref r);
            }
            else
            {
                r.SkipField();
            }
        }

        return m;
    }

    internal static WirePresenceMessage ReadPresence<TReader>(ref TReader r)
        where TReader : IWireReader, allows ref struct
    {
        var state = r.BeginObject("PresenceMessage");
        var m = new WirePresenceMessage();
        while (r.NextField(ref state))
        {
            if (r.FieldIs("id"u8))
            {
                m.Id = r.ReadString("id");
            }
            else if (r.FieldIs("action"u8))
            {
                m.Action = (PresenceAction)(r.ReadInt32("action") ?? 0);
            }
            else if (r.FieldIs("clientId"u8))
            {
                m.ClientId = r.ReadString("clientId");
            }
            else if (r.FieldIs("connectionId"u8))
            {
                m.ConnectionId = r.ReadString("connectionId");
            }
            else if (r.FieldIs("data"u8))
            {
                m.Data = r.ReadData();
            }
            else if (r.FieldIs("encoding"u8))
            {
                m.Encoding = r.ReadString("encoding");
            }
            else if (r.FieldIs("extras"u8))
            {
                m.Extras = r.ReadElement();
            }
            else if (r.FieldIs("timestamp"u8))
            {
                m.Timestamp = r.ReadTimestamp("timestamp");
            }
            else
            {
                r.SkipField();
            }
        }

        return m;
    }

    internal static MessageVersion ReadVersion<TReader>(ref TReader r)
        where TReader : IWireReader, allows ref struct
    {
        var state = r.BeginObject("version");
        var v = new MessageVersion();
        while (r.NextField(ref state))
        {
            if (r.FieldIs("serial"u8))
            {
                v.Serial = r.ReadString("version.serial");
            }
            else if (r.FieldIs("timestamp"u8))
            {
                v.Timestamp = r.ReadTimestamp("version.timestamp");
            }
            else if (r.FieldIs("clientId"u8))
            {
                v.ClientId = r.ReadString("version.clientId");
            }
            else if (r.FieldIs("description"u8))
            {
                v.Description = r.ReadString("version.description");
            }
            else if (r.FieldIs("metadata"u8))
            {
                v.Metadata = r.ReadElement();
            }
            else
            {
                r.SkipField();
            }
        }

        return v;
    }

    internal static ErrorInfo ReadError<TReader>(ref TReader r)
        where TReader : IWireReader, allows ref struct
    {
        var state = r.BeginObject("error");
        var e = new ErrorInfo();
        while (r.NextField(ref state))
        {
            if (r.FieldIs("code"u8))
            {
                e.Code = r.ReadInt32("error.code") ?? 0;
            }
            else if (r.FieldIs("statusCode"u8))
            {
                e.StatusCode = r.ReadInt32("error.statusCode") ?? 0;
            }
            else if (r.FieldIs("message"u8))
            {
                e.Message = r.ReadString("error.message");
            }
            else if (r.FieldIs("href"u8))
            {
                e.Href = r.ReadString("error.href");
            }
            else if (r.FieldIs("cause"u8))
            {
                // ably-js may send a cause that is a bare string or some other non-ErrorInfo shape.
                if (r.IsObject)
                {
                    e.Cause = ReadError(ref r);
                }
                else if (r.IsString)
                {
                    e.Cause = new ErrorInfo { Message = r.ReadString("error.cause") };
                }
                else
                {
                    r.SkipValue();
                }
            }
            else if (r.FieldIs("detail"u8))
            {
                e.Detail = r.ReadStringMap("error.detail");
            }
            else
            {
                r.SkipField();
            }
        }

        return e;
    }

    internal static ConnectionDetails ReadConnectionDetails<TReader>(ref TReader r)
        where TReader : IWireReader, allows ref struct
    {
        var state = r.BeginObject("connectionDetails");
        var d = new ConnectionDetails();
        while (r.NextField(ref state))
        {
            if (r.FieldIs("clientId"u8))
            {
                d.ClientId = r.ReadString("connectionDetails.clientId");
            }
            else if (r.FieldIs("connectionKey"u8))
            {
                d.ConnectionKey = r.ReadString("connectionDetails.connectionKey");
            }
            else if (r.FieldIs("maxMessageSize"u8))
            {
                d.MaxMessageSize = r.ReadInt64("connectionDetails.maxMessageSize");
            }
            else if (r.FieldIs("maxFrameSize"u8))
            {
                d.MaxFrameSize = r.ReadInt64("connectionDetails.maxFrameSize");
            }
            else if (r.FieldIs("maxInboundRate"u8))
            {
                d.MaxInboundRate = r.ReadInt64("connectionDetails.maxInboundRate");
            }
            else if (r.FieldIs("connectionStateTtl"u8))
            {
                d.ConnectionStateTtl = r.ReadInt64("connectionDetails.connectionStateTtl");
            }
            else if (r.FieldIs("maxIdleInterval"u8))
            {
                d.MaxIdleInterval = r.ReadInt64("connectionDetails.maxIdleInterval");
            }
            else if (r.FieldIs("serverId"u8))
            {
                d.ServerId = r.ReadString("connectionDetails.serverId");
            }
            else if (r.FieldIs("siteCode"u8))
            {
                d.SiteCode = r.ReadString("connectionDetails.siteCode");
            }
            else if (r.FieldIs("objectsGCGracePeriod"u8))
            {
                d.ObjectsGCGracePeriod = r.ReadInt64("connectionDetails.objectsGCGracePeriod");
            }
            else
            {
                r.SkipField();
            }
        }

        return d;
    }

    internal static AuthDetails ReadAuth<TReader>(ref TReader r)
        where TReader : IWireReader, allows ref struct
    {
        var state = r.BeginObject("auth");
        var a = new AuthDetails();
        while (r.NextField(ref state))
        {
            if (r.FieldIs("accessToken"u8))
            {
                a.AccessToken = r.ReadString("auth.accessToken");
            }
            else
            {
                r.SkipField();
            }
        }

        return a;
    }

    internal static PublishResult ReadPublishResult<TReader>(ref TReader r)
        where TReader : IWireReader, allows ref struct
    {
        var state = r.BeginObject("res");
        var p = new PublishResult();
        while (r.NextField(ref state))
        {
            if (r.FieldIs("serials"u8))
            {
                p.Serials = ReadArray(ref r, "res.serials", static (ref TReader x) => x.ReadString("res.serials[]"));
            }
            else
            {
                r.SkipField();
            }
        }

        return p;
    }

    internal static TokenRequest ReadTokenRequest<TReader>(ref TReader r)
        where TReader : IWireReader, allows ref struct
    {
        var state = r.BeginObject("TokenRequest");
        var t = new TokenRequest();
        while (r.NextField(ref state))
        {
            if (r.FieldIs("keyName"u8))
            {
                t.KeyName = r.ReadString("keyName");
            }
            else if (r.FieldIs("ttl"u8))
            {
                t.Ttl = r.ReadInt64OrNumericString("ttl");
            }
            else if (r.FieldIs("capability"u8))
            {
                t.Capability = r.ReadCapabilityString();
            }
            else if (r.FieldIs("clientId"u8))
            {
                t.ClientId = r.ReadString("clientId");
            }
            else if (r.FieldIs("timestamp"u8))
            {
                t.Timestamp = r.ReadInt64OrNumericString("timestamp");
            }
            else if (r.FieldIs("nonce"u8))
            {
                t.Nonce = r.ReadString("nonce");
            }
            else if (r.FieldIs("mac"u8))
            {
                t.Mac = r.ReadString("mac");
            }
            else
            {
                r.SkipField();
            }
        }

        return t;
    }

    internal static TokenDetails ReadTokenDetails<TReader>(ref TReader r)
        where TReader : IWireReader, allows ref struct
    {
        var state = r.BeginObject("TokenDetails");
        var t = new TokenDetails();
        while (r.NextField(ref state))
        {
            if (r.FieldIs("token"u8))
            {
                t.Token = r.ReadString("token");
            }
            else if (r.FieldIs("keyName"u8))
            {
                t.KeyName = r.ReadString("keyName");
            }
            else if (r.FieldIs("issued"u8))
            {
                t.Issued = r.ReadInt64OrNumericString("issued");
            }
            else if (r.FieldIs("expires"u8))
            {
                t.Expires = r.ReadInt64OrNumericString("expires");
            }
            else if (r.FieldIs("capability"u8))
            {
                t.Capability = r.ReadCapabilityString();
            }
            else if (r.FieldIs("clientId"u8))
            {
                t.ClientId = r.ReadString("clientId");
            }
            else
            {
                r.SkipField();
            }
        }

        return t;
    }

    private static List<T>? ReadArray<TReader, T>(ref TReader r, string field, WireItemReader<TReader, T> read)
        where TReader : IWireReader, allows ref struct
    {
        if (!r.BeginArray(field, out var state))
        {
            return null;
        }

        // A msgpack header's count is untrusted: grow as items actually arrive (JSON gives no count: -1).
        var list = new List<T>(Math.Clamp(state, 0, 64));
        while (r.NextItem(ref state))
        {
            list.Add(read(ref r));
        }

        return list;
    }
}
