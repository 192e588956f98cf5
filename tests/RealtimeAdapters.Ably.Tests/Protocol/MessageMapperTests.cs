using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Tests.Protocol;

public sealed class MessageMapperTests
{
    [Fact]
    public void FromWire_MissingFields_InheritFromProtocolMessage()
    {
        var parent = new ProtocolMessage
        {
            Action = ProtocolAction.Message,
            Id = "conn1:5",
            ConnectionId = "conn1",
            Timestamp = 1_700_000_000_000,
            Messages = [new WireMessage { Name = "a" }, new WireMessage { Name = "b", Id = "own", ConnectionId = "other", Timestamp = 1 }],
        };

        var first = MessageMapper.FromWire(parent.Messages[0], parent, 0);
        var second = MessageMapper.FromWire(parent.Messages[1], parent, 1);

        Assert.Equal("conn1:5:0", first.Id);
        Assert.Equal("conn1", first.ConnectionId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), first.Timestamp);
        Assert.Equal("own", second.Id);
        Assert.Equal("other", second.ConnectionId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1), second.Timestamp);
    }

    [Fact]
    public void WithInheritedFields_FillsCopiesOnly()
    {
        var original = new WireMessage { Name = "a" };
        var parent = new ProtocolMessage { Action = ProtocolAction.Message, Id = "c:1", ConnectionId = "c", Timestamp = 10, Messages = [original] };

        var filled = Assert.Single(MessageMapper.WithInheritedFields(parent));

        Assert.Equal("c:1:0", filled.Id);
        Assert.Equal(10, filled.Timestamp);
        Assert.Null(original.Id);
    }

    [Fact]
    public void ToWireAndBack_ChannelMessage_RoundTrips()
    {
        var message = new ChannelMessage("evt", MessageData.FromJson(Samples.Json("""{"x":[1,2]}""")))
        {
            Id = "id1",
            ClientId = "bob",
            ConnectionId = "c1",
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123),
            Extras = Samples.Json("""{"headers":{"a":"b"}}"""),
            Serial = "s1",
        };

        foreach (var format in new[] { WireFormat.Json, WireFormat.MsgPack })
        {
            var wire = AblyCodec.DecodeMessage(AblyCodec.EncodeMessage(MessageMapper.ToWire(message, format), format), format);
            var back = MessageMapper.FromWire(wire, null, 0, null, out var error);

            Assert.Null(error);
            Assert.Equal(message.Id, back.Id);
            Assert.Equal(message.Name, back.Name);
            Assert.Equal(message.Data, back.Data);
            Assert.Equal(message.ClientId, back.ClientId);
            Assert.Equal(message.ConnectionId, back.ConnectionId);
            Assert.Equal(message.Timestamp, back.Timestamp);
            Assert.Equal(message.Serial, back.Serial);
            Assert.True(System.Text.Json.JsonElement.DeepEquals(message.Extras!.Value, back.Extras!.Value));
        }
    }

    [Fact]
    public void FromWire_UndecodablePayload_IsDeliveredWithError()
    {
        var back = MessageMapper.FromWire(new WireMessage { Data = WireData.FromString("{bad"), Encoding = "json" }, null, 0, null, out var error);

        Assert.Equal("{bad", back.Data.AsString());
        Assert.Equal(AblyErrorCodes.InvalidMessageData, error!.Code);
    }

    [Fact]
    public void PresenceToWireAndBack_RoundTrips()
    {
        var presence = new PresenceMessage
        {
            Action = PresenceAction.Update,
            ClientId = "bob",
            ConnectionId = "c1",
            Data = MessageData.FromBytes([1, 2]),
            Id = "c1:2:0",
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(5),
        };

        foreach (var format in new[] { WireFormat.Json, WireFormat.MsgPack })
        {
            var wire = AblyCodec.DecodePresenceMessages(AblyCodec.EncodePresenceMessages([MessageMapper.ToWire(presence, format)], format), format);
            var back = MessageMapper.FromWire(wire[0]);

            Assert.Equal(presence, back);
        }
    }

    [Fact]
    public void PresenceFromWire_ImplicitClientIdAndInheritedFields()
    {
        var parent = new ProtocolMessage { Action = ProtocolAction.Presence, Id = "c9:3", ConnectionId = "c9", Timestamp = 7 };

        var back = MessageMapper.FromWire(new WirePresenceMessage { Action = PresenceAction.Enter }, parent, 2);

        Assert.Equal(string.Empty, back.ClientId);
        Assert.Equal("c9:3:2", back.Id);
        Assert.Equal("c9", back.ConnectionId);
        Assert.Null(MessageMapper.ToWire(back, WireFormat.Json).ClientId);
    }

    [Fact]
    public void PresenceFromWire_UnknownAction_IsProtocolError()
    {
        Assert.Throws<AblyProtocolException>(() => MessageMapper.FromWire(new WirePresenceMessage { Action = (PresenceAction)9 }));
    }
}
