using System.Buffers;
using MessagePack;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Tests.Protocol;

/// <summary>Frames written by hand as ably-js 2.x puts them on the wire.</summary>
public sealed class WireFrameTests
{
    private static ProtocolMessage Json(string frame) => AblyCodec.DecodeProtocolMessage(Samples.Utf8(frame), WireFormat.Json);

    [Fact]
    public void DecodeJson_AttachWithChannelSerialAndModes_ReadsFields()
    {
        var m = Json("""{"action":10,"channel":"chat","channelSerial":"a:0","flags":393216,"params":{"rewind":"1"}}""");

        Assert.Equal(ProtocolAction.Attach, m.Action);
        Assert.Equal("chat", m.Channel);
        Assert.Equal("a:0", m.ChannelSerial);
        Assert.Equal(ProtocolFlags.Publish | ProtocolFlags.Subscribe, m.Flags);
        Assert.Equal("1", m.Params!["rewind"]);
    }

    [Fact]
    public void DecodeJson_PublishWithJsonData_IgnoresSizeAndReadsEncoding()
    {
        // ably-js serialises an internal "size" and "action":0 on each message.
        var m = Json("""
            {"action":15,"channel":"chat","msgSerial":3,
             "messages":[{"name":"evt","data":"{\"n\":1}","encoding":"json","action":0,"size":7,"id":"custom"}]}
            """);

        var message = Assert.Single(m.Messages!);
        Assert.Equal(3, m.MsgSerial);
        Assert.Equal("evt", message.Name);
        Assert.Equal("json", message.Encoding);
        Assert.Equal(MessageAction.Create, message.Action);
        Assert.Equal("custom", message.Id);
        var decoded = PayloadEncoder.Decode(message.Data, message.Encoding);
        Assert.Equal(1, decoded.Data.AsJson().GetProperty("n").GetInt32());
    }

    [Fact]
    public void DecodeJson_PresenceEnterWithoutClientId_ReadsAction()
    {
        var m = Json("""{"action":14,"channel":"room","msgSerial":0,"presence":[{"action":2,"data":"hi","size":2}]}""");

        var p = Assert.Single(m.Presence!);
        Assert.Equal(PresenceAction.Enter, p.Action);
        Assert.Null(p.ClientId);
        Assert.Equal(WireData.FromString("hi"), p.Data);
    }

    [Fact]
    public void DecodeJson_UnknownFieldsOfEveryShape_AreIgnored()
    {
        var m = Json("""
            {"unknownA":{"deep":[1,{"x":null}]},"action":4,"connectionId":"c1","unknownB":[true,false],
             "connectionDetails":{"clientId":"*","connectionKey":"ck","extra":1,"maxIdleInterval":15000},
             "annotations":[],"state":[{"objectId":"o"}],"connectionSerial":-1}
            """);

        Assert.Equal(ProtocolAction.Connected, m.Action);
        Assert.Equal("c1", m.ConnectionId);
        Assert.Equal("*", m.ConnectionDetails!.ClientId);
        Assert.Equal(15000, m.ConnectionDetails.MaxIdleInterval);
    }

    [Fact]
    public void DecodeJson_AuthFromClient_ReadsAccessToken()
    {
        var m = Json("""{"action":17,"auth":{"accessToken":"new-token"}}""");

        Assert.Equal(ProtocolAction.Auth, m.Action);
        Assert.Equal("new-token", m.Auth!.AccessToken);
    }

    [Fact]
    public void DecodeJson_AckWithRes_ReadsSerials()
    {
        var m = Json("""{"action":1,"msgSerial":5,"count":2,"res":[{"serials":["x"]},{"serials":[null]}]}""");

        Assert.Equal(ProtocolAction.Ack, m.Action);
        Assert.Equal(2, m.Count);
        Assert.Equal([null], m.Res![1].Serials!);
    }

    [Fact]
    public void DecodeJson_FloatTimestamp_IsTruncatedToMilliseconds()
    {
        var m = Json("""{"action":15,"timestamp":1.7000000001239e12,"messages":[{"timestamp":1700000000123.9}]}""");

        Assert.Equal(1_700_000_000_123, m.Timestamp);
        Assert.Equal(1_700_000_000_123, m.Messages![0].Timestamp);
    }

    [Fact]
    public void DecodeJson_DataOfEveryJsonShape_KeepsRawValue()
    {
        var m = Json("""{"action":15,"messages":[{"data":{"a":1}},{"data":[1,2]},{"data":42},{"data":true},{"data":null},{}]}""");

        Assert.Equal(WireDataKind.Json, m.Messages![0].Data.Kind);
        Assert.Equal("[1,2]", m.Messages[1].Data.AsJson().GetRawText());
        Assert.Equal(42, m.Messages[2].Data.AsJson().GetInt32());
        Assert.True(m.Messages[3].Data.AsJson().GetBoolean());
        Assert.True(m.Messages[4].Data.IsNone);
        Assert.True(m.Messages[5].Data.IsNone);
    }

    [Fact]
    public void DecodeJson_UnknownAction_IsKeptAsNumber()
    {
        var m = Json("""{"action":99,"channel":"x"}""");

        Assert.Equal(99, (int)m.Action);
        Assert.Equal("""{"action":99,"channel":"x"}""", Samples.Text(AblyCodec.Encode(m, WireFormat.Json)));
    }

    [Fact]
    public void EncodeJson_NonAscii_IsNotEscaped()
    {
        var text = Samples.Text(AblyCodec.Encode(new ProtocolMessage { Action = ProtocolAction.Attach, Channel = "café ✓" }, WireFormat.Json));

        Assert.Equal("""{"action":10,"channel":"café ✓"}""", text);
    }

    [Fact]
    public void DecodeMsgPack_PublishAsAblyJsWritesIt_ReadsBinAndFloatTimestamp()
    {
        var bytes = Build(w =>
        {
            w.WriteMapHeader(5);
            w.Write("action");
            w.Write(15);
            w.Write("channel");
            w.Write("chat");
            w.Write("msgSerial");
            w.Write(0);
            w.Write("timestamp");
            w.Write(1_700_000_000_123.0);
            w.Write("messages");
            w.WriteArrayHeader(1);
            w.WriteMapHeader(5);
            w.Write("name");
            w.Write("bin");
            w.Write("data");
            w.Write(new byte[] { 9, 8, 7 });
            w.Write("size");
            w.Write(3);
            w.Write("action");
            w.Write(0);
            w.Write("clientId");
            w.Write(Samples.Utf8("bob")); // bin where a str is expected
        });

        var m = AblyCodec.DecodeProtocolMessage(bytes, WireFormat.MsgPack);

        Assert.Equal(ProtocolAction.Message, m.Action);
        Assert.Equal(1_700_000_000_123, m.Timestamp);
        var message = Assert.Single(m.Messages!);
        Assert.Equal(new byte[] { 9, 8, 7 }, message.Data.AsBytes());
        Assert.Equal("bob", message.ClientId);
    }

    [Fact]
    public void DecodeMsgPack_LiteralHex_ReadsHeartbeatWithId()
    {
        // {"action":0,"id":"p1"} as fixmap(2), fixstr "action", 0, fixstr "id", fixstr "p1".
        var bytes = Convert.FromHexString("82A6616374696F6E00A26964A27031");

        var m = AblyCodec.DecodeProtocolMessage(bytes, WireFormat.MsgPack);

        Assert.Equal(ProtocolAction.Heartbeat, m.Action);
        Assert.Equal("p1", m.Id);
    }

    [Fact]
    public void DecodeMsgPack_MapDataAndExtras_BecomeJson()
    {
        var bytes = Build(w =>
        {
            w.WriteMapHeader(2);
            w.Write("action");
            w.Write(15);
            w.Write("messages");
            w.WriteArrayHeader(1);
            w.WriteMapHeader(3);
            w.Write("data");
            w.WriteMapHeader(1);
            w.Write("k");
            w.WriteArrayHeader(2);
            w.Write(1);
            w.Write(2.5);
            w.Write("extras");
            w.WriteMapHeader(1);
            w.Write("headers");
            w.WriteMapHeader(0);
            w.Write("unknown");
            w.WriteArrayHeader(1);
            w.WriteNil();
        });

        var message = Assert.Single(AblyCodec.DecodeProtocolMessage(bytes, WireFormat.MsgPack).Messages!);

        Assert.Equal("""{"k":[1,2.5]}""", message.Data.AsJson().GetRawText());
        Assert.Equal("""{"headers":{}}""", message.Extras!.Value.GetRawText());
    }

    internal static byte[] Build(Action<MessagePackWriterBox> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var box = new MessagePackWriterBox(buffer);
        write(box);
        return buffer.WrittenSpan.ToArray();
    }
}
