using System.Buffers;
using System.Net.WebSockets;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Benchmarks.Ably;

/// <summary>
/// A minimal raw realtime client: one <see cref="ClientWebSocket"/>, frames encoded and decoded with <see cref="AblyCodec"/>.
/// A background loop reads every frame and hands MESSAGE and ACK/NACK frames to the callbacks given at construction.
/// </summary>
internal sealed class AblyBenchClient : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket = new();
    private readonly WireFormat _format;
    private readonly Action<ProtocolMessage>? _onMessage;
    private readonly Action<ProtocolMessage>? _onAck;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;

    private AblyBenchClient(WireFormat format, Action<ProtocolMessage>? onMessage, Action<ProtocolMessage>? onAck)
    {
        _format = format;
        _onMessage = onMessage;
        _onAck = onAck;
    }

    /// <summary>Opens the WebSocket and waits for CONNECTED.</summary>
    public static async Task<AblyBenchClient> ConnectAsync(
        Uri ablyUrl, string key, WireFormat format, Action<ProtocolMessage>? onMessage = null, Action<ProtocolMessage>? onAck = null)
    {
        var client = new AblyBenchClient(format, onMessage, onAck);
        var query = "key=" + Uri.EscapeDataString(key) + "&v=6&echo=false&format=" + (format == WireFormat.MsgPack ? "msgpack" : "json");
        var uri = new UriBuilder(ablyUrl) { Scheme = "ws", Query = query }.Uri;
        await client._socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(Wait).ConfigureAwait(false);
        client._loop = Task.Run(client.ReceiveLoopAsync);
        await client._connected.Task.WaitAsync(Wait).ConfigureAwait(false);
        return client;
    }

    /// <summary>Sends ATTACH and waits for ATTACHED.</summary>
    public async Task AttachAsync(string channel)
    {
        _attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await SendAsync(new ProtocolMessage { Action = ProtocolAction.Attach, Channel = channel }).ConfigureAwait(false);
        await _attached.Task.WaitAsync(Wait).ConfigureAwait(false);
    }

    /// <summary>Sends one MESSAGE frame holding one message (does not wait for its ACK).</summary>
    public Task PublishAsync(string channel, long msgSerial, string name, string data) =>
        SendAsync(new ProtocolMessage
        {
            Action = ProtocolAction.Message,
            Channel = channel,
            MsgSerial = msgSerial,
            Messages = [new WireMessage { Name = name, Data = WireData.FromString(data) }],
        });

    public async Task SendAsync(ProtocolMessage message)
    {
        var bytes = AblyCodec.Encode(message, _format);
        var type = _format == WireFormat.MsgPack ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        await _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None).WaitAsync(Wait).ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        var frame = new ArrayBufferWriter<byte>(1024);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                frame.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(), _stop.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    frame.Write(buffer.AsSpan(0, result.Count));
                }
                while (!result.EndOfMessage);

                var message = AblyCodec.DecodeProtocolMessage(frame.WrittenMemory, _format);
                switch (message.Action)
                {
                    case ProtocolAction.Connected:
                        _connected.TrySetResult();
                        break;
                    case ProtocolAction.Attached:
                        _attached.TrySetResult();
                        break;
                    case ProtocolAction.Message:
                        _onMessage?.Invoke(message);
                        break;
                    case ProtocolAction.Ack:
                    case ProtocolAction.Nack:
                        _onAck?.Invoke(message);
                        break;
                    case ProtocolAction.Error:
                        var error = new InvalidOperationException("ERROR from the emulator: " + message.Error?.Message);
                        _connected.TrySetException(error);
                        _attached.TrySetException(error);
                        return;
                    default:
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Abort, not a close handshake: tearing down 1,000 connections one handshake at a time would dominate cleanup.
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        await _loop.WaitAsync(Wait).ConfigureAwait(false);
        _socket.Dispose();
        _stop.Dispose();
    }
}
