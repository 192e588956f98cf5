using System.Text;
using System.Text.Json;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Tests;

/// <summary>Wire values with every field set, for round trips.</summary>
internal static class Samples
{
    public static WireFormat Format(string name) => name == "msgpack" ? WireFormat.MsgPack : WireFormat.Json;

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(byte[] utf8) => Encoding.UTF8.GetString(utf8);

    public static ErrorInfo Error() => new()
    {
        Code = 40160,
        StatusCode = 401,
        Message = "Denied",
        Href = "https://help.ably.io/error/40160",
        Cause = new ErrorInfo { Code = 40100, StatusCode = 401, Message = "inner" },
        Detail = new Dictionary<string, string> { ["channel"] = "chat" },
    };

    public static ConnectionDetails Details() => new()
    {
        ClientId = "bob",
        ConnectionKey = "ck-1",
        MaxMessageSize = 65536,
        MaxFrameSize = 524288,
        MaxInboundRate = 50,
        ConnectionStateTtl = 120000,
        MaxIdleInterval = 15000,
        ServerId = "srv",
        SiteCode = "local",
        ObjectsGCGracePeriod = 86400000,
    };

    public static WireMessage Message() => new()
    {
        Id = "c1:0:0",
        Name = "greeting",
        Data = WireData.FromString("{\"a\":1}"),
        Encoding = "json",
        ClientId = "bob",
        ConnectionId = "c1",
        ConnectionKey = "ck-1",
        Timestamp = 1_700_000_000_123,
        Extras = Json("""{"headers":{"h":"v"},"n":[1,2.5,true,null]}"""),
        Action = MessageAction.Update,
        Serial = "s:0000000000000001",
        Version = new MessageVersion
        {
            Serial = "v1",
            Timestamp = 1_700_000_000_456,
            ClientId = "alice",
            Description = "edit",
            Metadata = Json("""{"k":"v"}"""),
        },
    };

    public static WirePresenceMessage Presence() => new()
    {
        Id = "c1:3:0",
        Action = PresenceAction.Enter,
        ClientId = "bob",
        ConnectionId = "c1",
        Data = WireData.FromString("here"),
        Encoding = null,
        Extras = Json("""{"x":1}"""),
        Timestamp = 1_700_000_000_789,
    };

    public static ProtocolMessage Full() => new()
    {
        Action = ProtocolAction.Message,
        Id = "c1:7",
        Auth = new AuthDetails { AccessToken = "tok" },
        Channel = "chat",
        ChannelSerial = "e:0000000000000042",
        ConnectionId = "c1",
        ConnectionKey = "ck-1",
        ConnectionDetails = Details(),
        Count = 2,
        Error = Error(),
        Flags = ProtocolFlags.HasPresence | ProtocolFlags.Resumed | ProtocolFlags.Publish | ProtocolFlags.ObjectPublish,
        MsgSerial = 7,
        Messages = [Message(), new WireMessage { Name = "bin", Data = WireData.FromBytes([0, 1, 2, 255]) }],
        Presence = [Presence()],
        Timestamp = 1_700_000_000_000,
        Params = new Dictionary<string, string> { ["rewind"] = "1", ["delta"] = "vcdiff" },
        Res = [new PublishResult { Serials = ["s1", null] }],
    };

    public static TokenRequest TokenRequest() => new()
    {
        KeyName = "app.key",
        Ttl = 3_600_000,
        Capability = """{"*":["*"]}""",
        ClientId = "bob",
        Timestamp = 1_700_000_000_000,
        Nonce = "0123456789abcdef",
        Mac = "mac=",
    };

    public static TokenDetails TokenDetails() => new()
    {
        Token = "tok",
        KeyName = "app.key",
        Issued = 1_700_000_000_000,
        Expires = 1_700_003_600_000,
        Capability = """{"*":["*"]}""",
        ClientId = "bob",
    };
}
