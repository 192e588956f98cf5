using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Tests.Protocol;

/// <summary>Every malformed input ends in <see cref="AblyProtocolException"/> with code 40000, never another exception.</summary>
public sealed class MalformedInputTests
{
    [Theory]
    [InlineData("", "empty")]
    [InlineData("{", "not valid JSON")]
    [InlineData("{\"action\":15,", "not valid JSON")]
    [InlineData("[1,2]", "must be an object")]
    [InlineData("\"text\"", "must be an object")]
    [InlineData("null", "must be an object")]
    [InlineData("{\"channel\":\"x\"}", "no 'action'")]
    [InlineData("{\"action\":\"15\"}", "'action' must be a 32-bit integer")]
    [InlineData("{\"action\":1.5}", "'action' must be a 32-bit integer")]
    [InlineData("{\"action\":99999999999}", "'action' must be a 32-bit integer")]
    [InlineData("{\"action\":null}", "must not be null")]
    [InlineData("{\"action\":15,\"channel\":5}", "'channel' must be a string")]
    [InlineData("{\"action\":15,\"msgSerial\":\"3\"}", "'msgSerial' must be an integer")]
    [InlineData("{\"action\":15,\"messages\":{}}", "'messages' must be an array")]
    [InlineData("{\"action\":15,\"messages\":[1]}", "'Message' must be an object")]
    [InlineData("{\"action\":15,\"messages\":[{\"name\":[]}]}", "'name' must be a string")]
    [InlineData("{\"action\":15,\"messages\":[{\"timestamp\":\"now\"}]}", "'timestamp' must be a number")]
    [InlineData("{\"action\":15,\"timestamp\":1e300}", "not a valid time")]
    [InlineData("{\"action\":15,\"params\":{\"a\":[]}}", "'params.a' must be a string")]
    [InlineData("{\"action\":9,\"error\":\"boom\"}", "'error' must be an object")]
    [InlineData("{\"action\":0} {}", "not valid JSON")]
    [InlineData("{\"action\":0,}", "not valid JSON")]
    [InlineData("{'action':0}", "not valid JSON")]
    [InlineData("{\"action\":0 /* c */}", "not valid JSON")]
    public void DecodeJson_Malformed_ThrowsProtocolError(string frame, string expected)
    {
        var ex = Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeProtocolMessage(Samples.Utf8(frame), WireFormat.Json));

        Assert.Equal(AblyErrorCodes.BadRequest, ex.Error.Code);
        Assert.Equal(400, ex.Error.StatusCode);
        Assert.Equal("40000", ex.ErrorCode);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeJson_InvalidUtf8_ThrowsProtocolError()
    {
        byte[] frame = [.. Samples.Utf8("{\"action\":15,\"channel\":\""), 0xC3, 0x28, .. Samples.Utf8("\"}")];

        Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeProtocolMessage(frame, WireFormat.Json));
    }

    [Fact]
    public void DecodeJson_NestedTooDeep_ThrowsProtocolError()
    {
        var deep = new string('[', 200) + new string(']', 200);
        var frame = "{\"action\":15,\"messages\":[{\"data\":" + deep + "}]}";

        var ex = Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeProtocolMessage(Samples.Utf8(frame), WireFormat.Json));

        Assert.Contains("depth", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void DecodeJson_UnknownFieldNestedTooDeep_ThrowsProtocolError()
    {
        var frame = "{\"action\":15,\"junk\":" + new string('[', 500) + new string(']', 500) + "}";

        Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeProtocolMessage(Samples.Utf8(frame), WireFormat.Json));
    }

    public static TheoryData<string, string> MsgPackCases => new()
    {
        { "", "empty" },
        { "81", "not valid msgpack" }, // map(1) and nothing more
        { "82A6616374696F6E0F", "not valid msgpack" }, // map(2) with one entry
        { "92", "must be a map" }, // an array
        { "C0", "must be a map" }, // nil
        { "80", "no 'action'" }, // empty map
        { "81A6616374696F6EC0", "'action' of a ProtocolMessage must not be nil" }, // action: nil
        { "81A6616374696F6EA13F", "'action' must be a 32-bit integer" }, // action: "?"
        { "81A6616374696F6ECF8000000000000000", "not valid msgpack" }, // action: uint64 too large
        { "82A6616374696F6E0FA76368616E6E656C05", "'channel' must be a string" }, // channel: 5
        { "82A6616374696F6E0FA86D657373616765730F", "'messages' must be an array" },
        { "82A6616374696F6E0FA86D657373616765739101", "'Message' must be a map" }, // messages: [1]
        { "81A6616374696F6E00C0", "content after its end" }, // trailing nil
        { "8101A6616374696F6E", "'map key' must be a string" }, // integer key
        { "82A6616374696F6E0FA86D65737361676573DD7FFFFFFF", "not valid msgpack" }, // huge array header
        { "82A6616374696F6E0FA86D65737361676573918" + "1A464617461C7010102", "extension" }, // data: ext
        { "82A6616374696F6E0FA974696D657374616D70CB7FF0000000000000", "not a valid time" }, // timestamp: +inf
        { "82A6616374696F6E0FA86D657373616765739181A464617461A56162", "not valid msgpack" }, // data: str(5) with 2 bytes
    };

    [Theory]
    [MemberData(nameof(MsgPackCases))]
    public void DecodeMsgPack_Malformed_ThrowsProtocolError(string hex, string expected)
    {
        var ex = Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeProtocolMessage(Convert.FromHexString(hex), WireFormat.MsgPack));

        Assert.Equal(AblyErrorCodes.BadRequest, ex.Error.Code);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeMsgPack_NestedTooDeepInUnknownField_ThrowsProtocolError()
    {
        // {"action":0,"junk":[[[[…]]]]} nested 10,000 deep: must not overflow the stack.
        byte[] frame = [.. Convert.FromHexString("82A6616374696F6E00A46A756E6B"), .. Enumerable.Repeat((byte)0x91, 10_000), 0xC0];

        var ex = Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeProtocolMessage(frame, WireFormat.MsgPack));

        Assert.Contains("deeper", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(64, false)]
    [InlineData(65, true)]
    public void DecodeMsgPack_ErrorCauseChain_RefusedOnlyBeyondTheDepthLimit(int levels, bool refused)
    {
        // {"action":9,"error":{"cause":{"cause":…{}}}}: the ProtocolMessage is at depth 0, the error map at depth 1, the
        // innermost cause at depth `levels`; deeper than 64 is refused.
        byte[] frame = [.. Convert.FromHexString("82A6616374696F6E09A56572726F72"),
            .. Enumerable.Range(0, levels - 1).SelectMany(_ => Convert.FromHexString("81A56361757365")), 0x80];

        if (refused)
        {
            var ex = Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeProtocolMessage(frame, WireFormat.MsgPack));
            Assert.Contains("deeper than 64", ex.Message, StringComparison.Ordinal);
        }
        else
        {
            var error = AblyCodec.DecodeProtocolMessage(frame, WireFormat.MsgPack).Error;
            for (var i = 1; i < levels; i++)
            {
                error = error!.Cause;
            }

            Assert.NotNull(error);
            Assert.Null(error.Cause);
        }
    }

    [Fact]
    public void DecodeMsgPack_NestedTooDeepInData_ThrowsProtocolError()
    {
        byte[] frame = [.. Convert.FromHexString("82A6616374696F6E0FA86D657373616765739181A464617461"), .. Enumerable.Repeat((byte)0x91, 10_000), 0xC0];

        Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeProtocolMessage(frame, WireFormat.MsgPack));
    }

    [Fact]
    public void DecodeMsgPack_InvalidUtf8InBinString_ThrowsProtocolError()
    {
        // channel given as bin 0xC3 0x28 (invalid UTF-8).
        var frame = Convert.FromHexString("82A6616374696F6E0FA76368616E6E656CC402C328");

        Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeProtocolMessage(frame, WireFormat.MsgPack));
    }

    [Fact]
    public void Decode_RandomBytes_OnlyEverThrowsProtocolErrors()
    {
        var random = new Random(1234);
        var seed = AblyCodec.Encode(Samples.Full(), WireFormat.MsgPack);
        var jsonSeed = AblyCodec.Encode(Samples.Full(), WireFormat.Json);
        for (var i = 0; i < 3000; i++)
        {
            foreach (var (format, source) in new[] { (WireFormat.MsgPack, seed), (WireFormat.Json, jsonSeed) })
            {
                var bytes = source.ToArray();
                var mutations = random.Next(1, 4);
                for (var m = 0; m < mutations; m++)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                var length = random.Next(2) == 0 ? bytes.Length : random.Next(bytes.Length);
                try
                {
                    _ = AblyCodec.DecodeProtocolMessage(bytes.AsMemory(0, length), format);
                }
                catch (AblyProtocolException)
                {
                }
            }
        }
    }

    [Fact]
    public void DecodeOtherTypes_Malformed_ThrowProtocolErrors()
    {
        Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeMessages(Samples.Utf8("5"), WireFormat.Json));
        Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeMessages(Samples.Utf8("null"), WireFormat.Json));
        Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeTokenRequest(Samples.Utf8("""{"ttl":"soon"}"""), WireFormat.Json));
        Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeTokenDetails(Samples.Utf8("""{"token":1}"""), WireFormat.Json));
        Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeError(Samples.Utf8("""{"nothing":1}"""), WireFormat.Json));
        Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodePresenceMessages(Convert.FromHexString("91C3"), WireFormat.MsgPack));
        Assert.Throws<AblyProtocolException>(() => AblyCodec.DecodeConnectionDetails(Convert.FromHexString("81A8636C69656E74496401"), WireFormat.MsgPack));
    }

    [Fact]
    public void DecodeTokenRequest_NumericStrings_AreAccepted()
    {
        var request = AblyCodec.DecodeTokenRequest(Samples.Utf8("""{"keyName":"a.b","ttl":"60000","timestamp":"1700000000000","capability":{"*":["*"]}}"""), WireFormat.Json);

        Assert.Equal(60000, request.Ttl);
        Assert.Equal(1_700_000_000_000, request.Timestamp);
        Assert.Equal("""{"*":["*"]}""", request.Capability);
    }
}
