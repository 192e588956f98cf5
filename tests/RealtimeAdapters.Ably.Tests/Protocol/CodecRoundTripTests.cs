using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Tests.Protocol;

public sealed class CodecRoundTripTests
{
    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public void ProtocolMessage_EveryField_RoundTrips(string formatName)
    {
        var format = Samples.Format(formatName);
        var original = Samples.Full();
        var bytes = AblyCodec.Encode(original, format);
        var decoded = AblyCodec.DecodeProtocolMessage(bytes, format);

        Assert.Equal(bytes, AblyCodec.Encode(decoded, format));
        Assert.Equal(ProtocolAction.Message, decoded.Action);
        Assert.Equal("c1:7", decoded.Id);
        Assert.Equal("tok", decoded.Auth!.AccessToken);
        Assert.Equal("chat", decoded.Channel);
        Assert.Equal("e:0000000000000042", decoded.ChannelSerial);
        Assert.Equal("c1", decoded.ConnectionId);
        Assert.Equal("ck-1", decoded.ConnectionKey);
        Assert.Equal(Samples.Details(), decoded.ConnectionDetails);
        Assert.Equal(2, decoded.Count);
        Assert.Equal(40160, decoded.Error!.Code);
        Assert.Equal(40100, decoded.Error.Cause!.Code);
        Assert.Equal("chat", decoded.Error.Detail!["channel"]);
        Assert.Equal(original.Flags, decoded.Flags);
        Assert.Equal(7, decoded.MsgSerial);
        Assert.Equal(2, decoded.Messages!.Count);
        Assert.Single(decoded.Presence!);
        Assert.Equal(1_700_000_000_000, decoded.Timestamp);
        Assert.Equal("vcdiff", decoded.Params!["delta"]);
        Assert.Equal(["s1", null], decoded.Res![0].Serials!);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public void ProtocolMessage_OnlyAction_StaysMinimal(string formatName)
    {
        var format = Samples.Format(formatName);
        var bytes = AblyCodec.Encode(new ProtocolMessage { Action = ProtocolAction.Heartbeat }, format);
        var decoded = AblyCodec.DecodeProtocolMessage(bytes, format);

        Assert.Equal(ProtocolAction.Heartbeat, decoded.Action);
        Assert.Null(decoded.Id);
        Assert.Null(decoded.Messages);
        Assert.Null(decoded.Flags);
        if (format == WireFormat.Json)
        {
            Assert.Equal("""{"action":0}""", Samples.Text(bytes));
        }
        else
        {
            Assert.Equal(new byte[] { 0x81, 0xA6, (byte)'a', (byte)'c', (byte)'t', (byte)'i', (byte)'o', (byte)'n', 0x00 }, bytes);
        }
    }

    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public void Message_EveryField_RoundTrips(string formatName)
    {
        var format = Samples.Format(formatName);
        var original = Samples.Message();
        var decoded = AblyCodec.DecodeMessage(AblyCodec.EncodeMessage(original, format), format);

        Assert.Equal(original.Id, decoded.Id);
        Assert.Equal(original.Name, decoded.Name);
        Assert.Equal(original.Data, decoded.Data);
        Assert.Equal(original.Encoding, decoded.Encoding);
        Assert.Equal(original.ClientId, decoded.ClientId);
        Assert.Equal(original.ConnectionId, decoded.ConnectionId);
        Assert.Equal(original.ConnectionKey, decoded.ConnectionKey);
        Assert.Equal(original.Timestamp, decoded.Timestamp);
        Assert.True(System.Text.Json.JsonElement.DeepEquals(original.Extras!.Value, decoded.Extras!.Value));
        Assert.Equal(MessageAction.Update, decoded.Action);
        Assert.Equal(original.Serial, decoded.Serial);
        Assert.Equal("v1", decoded.Version!.Serial);
        Assert.Equal(1_700_000_000_456, decoded.Version.Timestamp);
        Assert.Equal("alice", decoded.Version.ClientId);
        Assert.Equal("edit", decoded.Version.Description);
        Assert.Equal("v", decoded.Version.Metadata!.Value.GetProperty("k").GetString());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public void Messages_List_RoundTrips(string formatName)
    {
        var format = Samples.Format(formatName);
        WireMessage[] list = [Samples.Message(), new WireMessage { Name = "x" }];
        var bytes = AblyCodec.EncodeMessages(list, format);
        var decoded = AblyCodec.DecodeMessages(bytes, format);

        Assert.Equal(2, decoded.Count);
        Assert.Equal(bytes, AblyCodec.EncodeMessages(decoded, format));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public void DecodeMessages_SingleObject_GivesOneMessage(string formatName)
    {
        var format = Samples.Format(formatName);
        var decoded = AblyCodec.DecodeMessages(AblyCodec.EncodeMessage(new WireMessage { Name = "one" }, format), format);

        Assert.Equal("one", Assert.Single(decoded).Name);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public void PresenceMessages_RoundTrip(string formatName)
    {
        var format = Samples.Format(formatName);
        WirePresenceMessage[] list = [Samples.Presence(), new WirePresenceMessage { Action = PresenceAction.Leave, ClientId = "x" }];
        var bytes = AblyCodec.EncodePresenceMessages(list, format);
        var decoded = AblyCodec.DecodePresenceMessages(bytes, format);

        Assert.Equal(bytes, AblyCodec.EncodePresenceMessages(decoded, format));
        Assert.Equal(PresenceAction.Enter, decoded[0].Action);
        Assert.Equal("c1:bob", decoded[0].MemberKey);
        Assert.Equal(WireData.FromString("here"), decoded[0].Data);
        Assert.Equal(1_700_000_000_789, decoded[0].Timestamp);
        Assert.Equal(PresenceAction.Leave, decoded[1].Action);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public void Error_EnvelopedAndBare_RoundTrip(string formatName)
    {
        var format = Samples.Format(formatName);
        foreach (var enveloped in new[] { true, false })
        {
            var decoded = AblyCodec.DecodeError(AblyCodec.EncodeError(Samples.Error(), format, enveloped), format);

            Assert.Equal(40160, decoded.Code);
            Assert.Equal(401, decoded.StatusCode);
            Assert.Equal("Denied", decoded.Message);
            Assert.Equal("https://help.ably.io/error/40160", decoded.Href);
            Assert.Equal("inner", decoded.Cause!.Message);
        }
    }

    [Fact]
    public void EncodeError_Json_HasRestBodyShape()
    {
        var text = Samples.Text(AblyCodec.EncodeError(ErrorInfo.Create(40400, "Not found"), WireFormat.Json));

        Assert.Equal("""{"error":{"code":40400,"statusCode":404,"message":"Not found","href":"https://help.ably.io/error/40400"}}""", text);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public void TokenRequestAndDetails_RoundTrip(string formatName)
    {
        var format = Samples.Format(formatName);
        var request = AblyCodec.DecodeTokenRequest(AblyCodec.EncodeTokenRequest(Samples.TokenRequest(), format), format);
        var details = AblyCodec.DecodeTokenDetails(AblyCodec.EncodeTokenDetails(Samples.TokenDetails(), format), format);

        Assert.Equal(Samples.TokenRequest(), request);
        Assert.Equal(Samples.TokenDetails(), details);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public void ConnectionDetailsAndPublishResult_RoundTrip(string formatName)
    {
        var format = Samples.Format(formatName);
        var details = AblyCodec.DecodeConnectionDetails(AblyCodec.EncodeConnectionDetails(Samples.Details(), format), format);
        var result = AblyCodec.DecodePublishResult(AblyCodec.EncodePublishResult(new PublishResult { Serials = ["a", null, "b"] }, format), format);

        Assert.Equal(Samples.Details(), details);
        Assert.Equal(["a", null, "b"], result.Serials!);
    }

    [Fact]
    public void Encode_JsonWithBinaryData_SendsBase64AndAddsEncoding()
    {
        var message = new WireMessage { Data = WireData.FromBytes([1, 2, 3]), Encoding = "cipher+aes-128-cbc" };

        var text = Samples.Text(AblyCodec.EncodeMessage(message, WireFormat.Json));

        Assert.Equal("""{"data":"AQID","encoding":"cipher+aes-128-cbc/base64"}""", text);
    }

    [Fact]
    public void Encode_MsgPackWithBase64OfBinary_SendsBin()
    {
        var message = new WireMessage { Data = WireData.FromString("AQID"), Encoding = "base64" };

        var decoded = AblyCodec.DecodeMessage(AblyCodec.EncodeMessage(message, WireFormat.MsgPack), WireFormat.MsgPack);

        Assert.Equal(WireDataKind.Binary, decoded.Data.Kind);
        Assert.Equal(new byte[] { 1, 2, 3 }, decoded.Data.AsBytes());
        Assert.Null(decoded.Encoding);
    }

    [Fact]
    public void Encode_MsgPackWithBase64OfJson_KeepsString()
    {
        var message = new WireMessage { Data = WireData.FromString("eyJhIjoxfQ=="), Encoding = "json/base64" };

        var decoded = AblyCodec.DecodeMessage(AblyCodec.EncodeMessage(message, WireFormat.MsgPack), WireFormat.MsgPack);

        Assert.Equal(WireDataKind.String, decoded.Data.Kind);
        Assert.Equal("json/base64", decoded.Encoding);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public void Flags_HighBit_SurvivesRoundTrip(string formatName)
    {
        var format = Samples.Format(formatName);
        var flags = (ProtocolFlags)unchecked((int)0x80000001);
        var decoded = AblyCodec.DecodeProtocolMessage(AblyCodec.Encode(new ProtocolMessage { Action = ProtocolAction.Attached, Flags = flags }, format), format);

        Assert.Equal(flags, decoded.Flags);
    }

    [Fact]
    public void Encode_BufferWriter_MatchesArray()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        AblyCodec.Encode(Samples.Full(), WireFormat.MsgPack, buffer);

        Assert.Equal(AblyCodec.Encode(Samples.Full(), WireFormat.MsgPack), buffer.WrittenSpan.ToArray());
    }
}
