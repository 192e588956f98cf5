using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Tests.Protocol;

public sealed class MessageSizeTests
{
    public static TheoryData<string> Kinds => new() { "string", "binary", "json", "none", "unicode", "extras" };

    private static ChannelMessage Sample(string kind) => kind switch
    {
        "string" => new ChannelMessage("name", "hello") { ClientId = "bob" },
        "binary" => new ChannelMessage("n", MessageData.FromBytes(new byte[1000])),
        "json" => new ChannelMessage("n", MessageData.FromJson(Samples.Json("""{"a":[1,2,{"b":"ü"}]}"""))),
        "unicode" => new ChannelMessage("ñame", "✓✓✓") { ClientId = "ü" },
        "extras" => new ChannelMessage(null, "x") { Extras = Samples.Json("""{"headers":{"k":"v"}}""") },
        _ => new ChannelMessage { Name = "only-name" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Of_EncodedMessage_EqualsChannelMessageSize(string kind)
    {
        var message = Sample(kind);
        foreach (var format in new[] { WireFormat.Json, WireFormat.MsgPack })
        {
            var wire = MessageMapper.ToWire(message, format);
            var received = AblyCodec.DecodeMessage(AblyCodec.EncodeMessage(wire, format), format);

            Assert.Equal(message.GetSize(), MessageSize.Of(wire));
            Assert.Equal(message.GetSize(), MessageSize.Of(received));
        }
    }

    [Fact]
    public void Of_KnownMessage_CountsNameDataClientIdExtras()
    {
        var wire = new WireMessage { Name = "ab", Data = WireData.FromString("AAECAw=="), Encoding = "base64", ClientId = "c", Extras = Samples.Json("{}") };

        Assert.Equal(2 + 4 + 1 + 2, MessageSize.Of(wire));
    }

    [Fact]
    public void Of_List_Sums()
    {
        Assert.Equal(6, MessageSize.Of([new WireMessage { Name = "abc" }, new WireMessage { Data = WireData.FromString("def") }]));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("AQ==", 1)]
    [InlineData("AQI=", 2)]
    [InlineData("AQID", 3)]
    [InlineData("AQIDBA", 4)]
    public void OfData_Base64_CountsDecodedBytes(string text, int expected)
    {
        Assert.Equal(expected, MessageSize.OfData(WireData.FromString(text), "base64"));
    }
}
