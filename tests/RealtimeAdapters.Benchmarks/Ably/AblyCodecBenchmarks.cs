using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Benchmarks.Ably;

/// <summary>
/// The codec alone, without sockets: decoding the frames a realtime client receives most (a MESSAGE frame carrying
/// ten messages, and the CONNECTED frame with its connection details and an error) and encoding the same frames into a
/// reused buffer, in each wire format.
/// </summary>
[ShortInProcessConfig]
public class AblyCodecBenchmarks
{
    private byte[] _messageFrame = [];
    private byte[] _connectedFrame = [];
    private ProtocolMessage _message = null!;
    private ProtocolMessage _connected = null!;
    private readonly System.Buffers.ArrayBufferWriter<byte> _output = new(4096);

    /// <summary>The wire format: <c>json</c> or <c>msgpack</c>.</summary>
    [Params("json", "msgpack")]
    public string Format { get; set; } = "json";

    private WireFormat WireFormat => Format == "msgpack" ? WireFormat.MsgPack : WireFormat.Json;

    [GlobalSetup]
    public void Setup()
    {
        var messages = new List<WireMessage>();
        for (var i = 0; i < 10; i++)
        {
            messages.Add(new WireMessage
            {
                Id = "conn-1:7:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Name = "position",
                Data = WireData.FromString("{\"x\":12.5,\"y\":-3.25,\"seq\":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}"),
                Encoding = "json",
                ClientId = "device-42",
                ConnectionId = "conn-1",
                Timestamp = 1_760_000_000_000 + i,
                Serial = "01760000000000-000@abc:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }

        _message = new ProtocolMessage { Action = ProtocolAction.Message, Channel = "bench:codec", ChannelSerial = "abc:9", ConnectionId = "conn-1", Timestamp = 1_760_000_000_000, Messages = messages };
        _messageFrame = AblyCodec.Encode(_message, WireFormat);
        _connected = new ProtocolMessage
        {
            Action = ProtocolAction.Connected,
            ConnectionId = "conn-1",
            ConnectionDetails = new ConnectionDetails
            {
                ClientId = "device-42", ConnectionKey = "key-1", MaxMessageSize = 65536, MaxFrameSize = 524288, MaxInboundRate = 50,
                ConnectionStateTtl = 120000, MaxIdleInterval = 15000, ServerId = "emulator", SiteCode = "local",
            },
            Error = new ErrorInfo { Code = 80008, StatusCode = 400, Message = "Unable to recover connection", Href = "https://help.ably.io/error/80008" },
        };
        _connectedFrame = AblyCodec.Encode(_connected, WireFormat);
    }

    /// <summary>Decodes a MESSAGE frame with ten messages.</summary>
    [Benchmark]
    public ProtocolMessage DecodeMessageFrame() => AblyCodec.DecodeProtocolMessage(_messageFrame, WireFormat);

    /// <summary>Decodes a CONNECTED frame with connection details and an error.</summary>
    [Benchmark]
    public ProtocolMessage DecodeConnectedFrame() => AblyCodec.DecodeProtocolMessage(_connectedFrame, WireFormat);

    /// <summary>Encodes the MESSAGE frame into a reused buffer (as the emulator's pumps do).</summary>
    [Benchmark]
    public int EncodeMessageFrame()
    {
        _output.ResetWrittenCount();
        AblyCodec.Encode(_message, WireFormat, _output);
        return _output.WrittenCount;
    }

    /// <summary>Encodes the CONNECTED frame into a reused buffer.</summary>
    [Benchmark]
    public int EncodeConnectedFrame()
    {
        _output.ResetWrittenCount();
        AblyCodec.Encode(_connected, WireFormat, _output);
        return _output.WrittenCount;
    }
}
