using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// The field list of every wire type written to the wire, once for both formats: each writer is generic over the
/// format's <see cref="IWireWriter"/> (JSON or msgpack). Absent (null) fields are left out; msgpack needs each map's size
/// first, so each writer counts its present fields beside the list. Lists are walked by index: a foreach over an
/// <c>IReadOnlyList</c> would allocate its enumerator.
/// </summary>
internal static class WireWriting
{
    internal static void WriteProtocolMessage<TWriter>(ref TWriter w, ProtocolMessage m)
        where TWriter : IWireWriter, allows ref struct
    {
        w.BeginObject(1 + Count(m.Id) + Count(m.Auth) + Count(m.Channel) + Count(m.ChannelSerial) + Count(m.ConnectionId) +
            Count(m.ConnectionKey) + Count(m.ConnectionDetails) + Count(m.Count) + Count(m.Error) + Count(m.Flags) + Count(m.MsgSerial) +
            Count(m.Messages) + Count(m.Presence) + Count(m.State) + Count(m.Timestamp) + Count(m.Params) + Count(m.Res));
        w.Int32("action"u8, (int)m.Action);
        w.String("id"u8, m.Id);
        if (m.Auth is { } auth)
        {
            w.Name("auth"u8);
            WriteAuth(ref w, auth);
        }

        w.String("channel"u8, m.Channel);
        w.String("channelSerial"u8, m.ChannelSerial);
        w.String("connectionId"u8, m.ConnectionId);
        w.String("connectionKey"u8, m.ConnectionKey);
        if (m.ConnectionDetails is { } details)
        {
            w.Name("connectionDetails"u8);
            WriteConnectionDetails(ref w, details);
        }

        w.Int32("count"u8, m.Count);
        if (m.Error is { } error)
        {
            w.Name("error"u8);
            WriteError(ref w, error);
        }

        if (m.Flags is { } flags)
        {
            w.UInt32("flags"u8, (uint)flags);
        }

        w.Int64("msgSerial"u8, m.MsgSerial);
        if (m.Messages is { } messages)
        {
            w.BeginArray("messages"u8, messages.Count);
            for (var i = 0; i < messages.Count; i++)
            {
                WriteMessage(ref w, messages[i]);
            }

            w.EndArray();
        }

        if (m.Presence is { } presence)
        {
            w.BeginArray("presence"u8, presence.Count);
            for (var i = 0; i < presence.Count; i++)
            {
                WritePresence(ref w, presence[i]);
            }

            w.EndArray();
        }

        if (m.State is { } state)
        {
            w.BeginArray("state"u8, state.Count);
            for (var i = 0; i < state.Count; i++)
            {
                w.ObjectMessageItem(state[i]);
            }

            w.EndArray();
        }

        w.Int64("timestamp"u8, m.Timestamp);
        w.StringMap("params"u8, m.Params);
        if (m.Res is { } res)
        {
            w.BeginArray("res"u8, res.Count);
            for (var i = 0; i < res.Count; i++)
            {
                WritePublishResult(ref w, res[i]);
            }

            w.EndArray();
        }

        w.EndObject();
    }

    internal static void WriteMessage<TWriter>(ref TWriter w, WireMessage m)
        where TWriter : IWireWriter, allows ref struct
    {
        var (data, encoding) = w.ForFormat(m.Data, m.Encoding);
        w.BeginObject(Count(m.Id) + Count(m.Name) + (data.IsNone ? 0 : 1) + Count(encoding) + Count(m.ClientId) + Count(m.ConnectionId) +
            Count(m.ConnectionKey) + Count(m.Timestamp) + Count(m.Extras) + Count(m.Action) + Count(m.Serial) + Count(m.Version));
        w.String("id"u8, m.Id);
        w.String("name"u8, m.Name);
        w.Data(data);
        w.String("encoding"u8, encoding);
        w.String("clientId"u8, m.ClientId);
        w.String("connectionId"u8, m.ConnectionId);
        w.String("connectionKey"u8, m.ConnectionKey);
        w.Int64("timestamp"u8, m.Timestamp);
        w.Json("extras"u8, m.Extras);
        w.Int32("action"u8, (int?)m.Action);
        w.String("serial"u8, m.Serial);
        if (m.Version is { } version)
        {
            w.Name("version"u8);
            WriteVersion(ref w, version);
        }

        w.EndObject();
    }

    internal static void WritePresence<TWriter>(ref TWriter w, WirePresenceMessage m)
        where TWriter : IWireWriter, allows ref struct
    {
        var (data, encoding) = w.ForFormat(m.Data, m.Encoding);
        w.BeginObject(1 + Count(m.Id) + Count(m.ClientId) + Count(m.ConnectionId) + (data.IsNone ? 0 : 1) + Count(encoding) +
            Count(m.Extras) + Count(m.Timestamp));
        w.String("id"u8, m.Id);
        w.Int32("action"u8, (int)m.Action);
        w.String("clientId"u8, m.ClientId);
        w.String("connectionId"u8, m.ConnectionId);
        w.Data(data);
        w.String("encoding"u8, encoding);
        w.Json("extras"u8, m.Extras);
        w.Int64("timestamp"u8, m.Timestamp);
        w.EndObject();
    }

    internal static void WriteVersion<TWriter>(ref TWriter w, MessageVersion v)
        where TWriter : IWireWriter, allows ref struct
    {
        w.BeginObject(Count(v.Serial) + Count(v.Timestamp) + Count(v.ClientId) + Count(v.Description) + Count(v.Metadata));
        w.String("serial"u8, v.Serial);
        w.Int64("timestamp"u8, v.Timestamp);
        w.String("clientId"u8, v.ClientId);
        w.String("description"u8, v.Description);
        w.Json("metadata"u8, v.Metadata);
        w.EndObject();
    }

    internal static void WriteError<TWriter>(ref TWriter w, ErrorInfo e)
        where TWriter : IWireWriter, allows ref struct
    {
        w.BeginObject(2 + Count(e.Message) + Count(e.Href) + Count(e.Cause) + Count(e.Detail));
        w.Int32("code"u8, e.Code);
        w.Int32("statusCode"u8, e.StatusCode);
        w.String("message"u8, e.Message);
        w.String("href"u8, e.Href);
        if (e.Cause is { } cause)
        {
            w.Name("cause"u8);
            WriteError(ref w, cause);
        }

        w.StringMap("detail"u8, e.Detail);
        w.EndObject();
    }

    internal static void WriteConnectionDetails<TWriter>(ref TWriter w, ConnectionDetails d)
        where TWriter : IWireWriter, allows ref struct
    {
        w.BeginObject(Count(d.ClientId) + Count(d.ConnectionKey) + Count(d.MaxMessageSize) + Count(d.MaxFrameSize) + Count(d.MaxInboundRate) +
            Count(d.ConnectionStateTtl) + Count(d.MaxIdleInterval) + Count(d.ServerId) + Count(d.SiteCode) + Count(d.ObjectsGCGracePeriod));
        w.String("clientId"u8, d.ClientId);
        w.String("connectionKey"u8, d.ConnectionKey);
        w.Int64("maxMessageSize"u8, d.MaxMessageSize);
        w.Int64("maxFrameSize"u8, d.MaxFrameSize);
        w.Int64("maxInboundRate"u8, d.MaxInboundRate);
        w.Int64("connectionStateTtl"u8, d.ConnectionStateTtl);
        w.Int64("maxIdleInterval"u8, d.MaxIdleInterval);
        w.String("serverId"u8, d.ServerId);
        w.String("siteCode"u8, d.SiteCode);
        w.Int64("objectsGCGracePeriod"u8, d.ObjectsGCGracePeriod);
        w.EndObject();
    }

    internal static void WriteAuth<TWriter>(ref TWriter w, AuthDetails a)
        where TWriter : IWireWriter, allows ref struct
    {
        w.BeginObject(Count(a.AccessToken));
        w.String("accessToken"u8, a.AccessToken);
        w.EndObject();
    }

    internal static void WritePublishResult<TWriter>(ref TWriter w, PublishResult r)
        where TWriter : IWireWriter, allows ref struct
    {
        w.BeginObject(Count(r.Serials));
        if (r.Serials is { } serials)
        {
            w.BeginArray("serials"u8, serials.Count);
            for (var i = 0; i < serials.Count; i++)
            {
                w.StringItem(serials[i]);
            }

            w.EndArray();
        }

        w.EndObject();
    }

    internal static void WriteTokenRequest<TWriter>(ref TWriter w, TokenRequest t)
        where TWriter : IWireWriter, allows ref struct
    {
        w.BeginObject(Count(t.KeyName) + Count(t.Ttl) + Count(t.Capability) + Count(t.ClientId) + Count(t.Timestamp) + Count(t.Nonce) + Count(t.Mac));
        w.String("keyName"u8, t.KeyName);
        w.Int64("ttl"u8, t.Ttl);
        w.String("capability"u8, t.Capability);
        w.String("clientId"u8, t.ClientId);
        w.Int64("timestamp"u8, t.Timestamp);
        w.String("nonce"u8, t.Nonce);
        w.String("mac"u8, t.Mac);
        w.EndObject();
    }

    internal static void WriteTokenDetails<TWriter>(ref TWriter w, TokenDetails t)
        where TWriter : IWireWriter, allows ref struct
    {
        w.BeginObject(Count(t.Token) + Count(t.KeyName) + Count(t.Issued) + Count(t.Expires) + Count(t.Capability) + Count(t.ClientId));
        w.String("token"u8, t.Token);
        w.String("keyName"u8, t.KeyName);
        w.Int64("issued"u8, t.Issued);
        w.Int64("expires"u8, t.Expires);
        w.String("capability"u8, t.Capability);
        w.String("clientId"u8, t.ClientId);
        w.EndObject();
    }

    private static int Count(object? value) => value is null ? 0 : 1;

    private static int Count(string? value) => value is null ? 0 : 1;

    private static int Count<T>(T? value) where T : struct => value.HasValue ? 1 : 0;
}
