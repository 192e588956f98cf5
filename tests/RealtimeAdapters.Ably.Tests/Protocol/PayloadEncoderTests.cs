using System.Text;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Tests.Protocol;

public sealed class PayloadEncoderTests
{
    private static readonly byte[] Key128 = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] Key256 = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly byte[] Iv = Convert.FromHexString("101112131415161718191a1b1c1d1e1f");

    public static TheoryData<string, string> Payloads => new()
    {
        { "json", "string" }, { "json", "binary" }, { "json", "object" }, { "json", "array" }, { "json", "number" }, { "json", "none" },
        { "msgpack", "string" }, { "msgpack", "binary" }, { "msgpack", "object" }, { "msgpack", "array" }, { "msgpack", "number" }, { "msgpack", "none" },
    };

    private static MessageData Payload(string kind) => kind switch
    {
        "string" => MessageData.FromString("héllo ✓"),
        "binary" => MessageData.FromBytes([0, 1, 2, 254, 255]),
        "object" => MessageData.FromJson(Samples.Json("""{"a":{"b":[1,"x",null]}}""")),
        "array" => MessageData.FromJson(Samples.Json("""[1,2,3]""")),
        "number" => MessageData.FromJson(Samples.Json("42.5")),
        _ => MessageData.None,
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void EncodeDecode_ThroughCodec_RoundTrips(string formatName, string kind)
    {
        var format = Samples.Format(formatName);
        var data = Payload(kind);
        var (wire, encoding) = PayloadEncoder.Encode(data, format);
        var message = AblyCodec.DecodeMessage(AblyCodec.EncodeMessage(new WireMessage { Data = wire, Encoding = encoding }, format), format);

        var decoded = PayloadEncoder.Decode(message.Data, message.Encoding);

        Assert.True(decoded.Succeeded);
        Assert.Null(decoded.RemainingEncoding);
        Assert.Equal(data, decoded.Data);
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void EncodeDecode_WithCipher_RoundTrips(string formatName, string kind)
    {
        var format = Samples.Format(formatName);
        foreach (var key in new[] { Key128, Key256 })
        {
            var cipher = new CipherParams(key);
            var data = Payload(kind);
            var (wire, encoding) = PayloadEncoder.Encode(data, format, cipher);
            var message = AblyCodec.DecodeMessage(AblyCodec.EncodeMessage(new WireMessage { Data = wire, Encoding = encoding }, format), format);

            var decoded = PayloadEncoder.Decode(message.Data, message.Encoding, cipher);

            Assert.True(decoded.Succeeded, decoded.Error?.Message);
            Assert.Equal(data, decoded.Data);
        }
    }

    [Fact]
    public void Encode_Json_UsesSpecEncodings()
    {
        Assert.Equal((WireData.FromString("hi"), (string?)null), PayloadEncoder.Encode("hi", WireFormat.Json));
        Assert.Equal((WireData.FromString("AQI="), "base64"), PayloadEncoder.Encode(new byte[] { 1, 2 }, WireFormat.Json));
        Assert.Equal((WireData.FromString("""{"a":1}"""), "json"), PayloadEncoder.Encode(Samples.Json("""{"a":1}"""), WireFormat.Json));
    }

    [Fact]
    public void Encode_MsgPack_KeepsBinaryAndStringifiesJson()
    {
        var (binary, binaryEncoding) = PayloadEncoder.Encode(new byte[] { 1, 2 }, WireFormat.MsgPack);
        var (json, jsonEncoding) = PayloadEncoder.Encode(Samples.Json("[1]"), WireFormat.MsgPack);

        Assert.Equal(WireDataKind.Binary, binary.Kind);
        Assert.Null(binaryEncoding);
        Assert.Equal(WireData.FromString("[1]"), json);
        Assert.Equal("json", jsonEncoding);
    }

    [Fact]
    public void Encode_Cipher_AddsStepsInSpecOrder()
    {
        var cipher = new CipherParams(Key128);

        Assert.Equal("utf-8/cipher+aes-128-cbc/base64", PayloadEncoder.Encode("x", WireFormat.Json, cipher).Encoding);
        Assert.Equal("json/utf-8/cipher+aes-128-cbc/base64", PayloadEncoder.Encode(Samples.Json("{}"), WireFormat.Json, cipher).Encoding);
        Assert.Equal("cipher+aes-256-cbc", PayloadEncoder.Encode(new byte[] { 1 }, WireFormat.MsgPack, new CipherParams(Key256)).Encoding);
    }

    [Fact]
    public void Encode_FixedIv_MatchesOpenSslVector()
    {
        // printf 'The quick brown fox' | openssl enc -aes-128-cbc -K 000102…0f -iv 101112…1f, IV prefixed, base64.
        var (wire, encoding) = PayloadEncoder.Encode("The quick brown fox", WireFormat.Json, new CipherParams(Key128, Iv));

        Assert.Equal("EBESExQVFhcYGRobHB0eHz9hnG+u/tUsgBqj1f/XmXiLAjcJt/57ObyUQKc8RCXs", wire.AsString());
        Assert.Equal("utf-8/cipher+aes-128-cbc/base64", encoding);
    }

    [Fact]
    public void Decode_OpenSslAes256Vector_GivesJson()
    {
        // '{"a":1}' encrypted with openssl enc -aes-256-cbc, IV prefixed.
        var decoded = PayloadEncoder.Decode(
            WireData.FromString("EBESExQVFhcYGRobHB0eHwuc+FvUo83vT/Di5Ifr6AQ="),
            "json/utf-8/cipher+aes-256-cbc/base64",
            new CipherParams(Key256));

        Assert.True(decoded.Succeeded);
        Assert.Equal(1, decoded.Data.AsJson().GetProperty("a").GetInt32());
    }

    [Fact]
    public void Decode_ChainedJsonUtf8Base64_GivesJson()
    {
        var text = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"k":"v"}"""));

        var decoded = PayloadEncoder.Decode(WireData.FromString(text), "json/utf-8/base64");

        Assert.Equal("v", decoded.Data.AsJson().GetProperty("k").GetString());
    }

    [Fact]
    public void Decode_Utf8OfBinary_GivesString()
    {
        var decoded = PayloadEncoder.Decode(WireData.FromBytes(Encoding.UTF8.GetBytes("ünï")), "utf-8");

        Assert.Equal("ünï", decoded.Data.AsString());
    }

    [Fact]
    public void Decode_JsonEncodedString_GivesString()
    {
        var decoded = PayloadEncoder.Decode(WireData.FromString("\"quoted\""), "json");

        Assert.Equal(MessageData.FromString("quoted"), decoded.Data);
    }

    [Fact]
    public void Decode_BadBase64_StopsAndKeepsWholeEncoding()
    {
        var decoded = PayloadEncoder.Decode(WireData.FromString("not base64!"), "json/base64");

        Assert.False(decoded.Succeeded);
        Assert.Equal("json/base64", decoded.RemainingEncoding);
        Assert.Equal("not base64!", decoded.Data.AsString());
        Assert.Equal(AblyErrorCodes.InvalidMessageData, decoded.Error!.Code);
    }

    [Fact]
    public void Decode_BadJsonUnderBase64_StopsWithRemainingJsonStep()
    {
        var text = Convert.ToBase64String(Encoding.UTF8.GetBytes("{oops"));

        var decoded = PayloadEncoder.Decode(WireData.FromString(text), "json/utf-8/base64");

        Assert.Equal("json", decoded.RemainingEncoding);
        Assert.Equal("{oops", decoded.Data.AsString());
    }

    [Fact]
    public void Decode_CipherWithoutKey_StopsAtCipherStepWithBinary()
    {
        var (wire, encoding) = PayloadEncoder.Encode("secret", WireFormat.Json, new CipherParams(Key128));

        var decoded = PayloadEncoder.Decode(wire, encoding);

        Assert.Equal("utf-8/cipher+aes-128-cbc", decoded.RemainingEncoding);
        Assert.Equal(MessageDataKind.Binary, decoded.Data.Kind);
        Assert.Contains("no cipher key", decoded.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_WrongKey_FailsWithoutThrowing()
    {
        var (wire, encoding) = PayloadEncoder.Encode("secret", WireFormat.MsgPack, new CipherParams(Key128));
        var wrong = new CipherParams(Convert.FromHexString("ffeeddccbbaa99887766554433221100"));

        var decoded = PayloadEncoder.Decode(wire, encoding, wrong);

        // A wrong key either fails the padding check or yields bytes that are not UTF-8; either way decoding stops.
        Assert.False(decoded.Succeeded);
    }

    [Fact]
    public void Decode_UnknownStep_StopsThere()
    {
        var decoded = PayloadEncoder.Decode(WireData.FromString("abc"), "utf-8/vcdiff");

        Assert.Equal("utf-8/vcdiff", decoded.RemainingEncoding);
        Assert.Contains("vcdiff", decoded.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NoEncoding_GivesRawValue()
    {
        Assert.Equal(MessageData.FromString("x"), PayloadEncoder.Decode(WireData.FromString("x"), null).Data);
        Assert.Equal(42, PayloadEncoder.Decode(WireData.FromJson(Samples.Json("42")), null).Data.AsJson().GetInt32());
        Assert.True(PayloadEncoder.Decode(WireData.None, "json").Data.IsNone);
    }

    [Fact]
    public void Transcode_BinaryToJson_AddsBase64()
    {
        var (data, encoding) = PayloadEncoder.Transcode(WireData.FromBytes([1, 2, 3]), "cipher+aes-128-cbc", WireFormat.Json);

        Assert.Equal(WireData.FromString("AQID"), data);
        Assert.Equal("cipher+aes-128-cbc/base64", encoding);
    }

    [Fact]
    public void Transcode_Base64ToMsgPack_GivesBin()
    {
        var (data, encoding) = PayloadEncoder.Transcode(WireData.FromString("AQID"), "base64", WireFormat.MsgPack);

        Assert.Equal(WireData.FromBytes([1, 2, 3]), data);
        Assert.Null(encoding);
    }

    [Fact]
    public void CipherParams_BadKeyLength_IsRefused()
    {
        var ex = Assert.Throws<RealtimeValidationException>(() => new CipherParams(new byte[24]));

        Assert.Contains("192", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("000", ex.Message, StringComparison.Ordinal);
    }
}
