using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace RealtimeAdapters.Benchmarks.Emulator;

/// <summary>
/// A minimal client of the Firebase realtime protocol for benchmarks: one <see cref="ClientWebSocket"/>, a receive loop
/// that parses every frame and hands pushes and answers to callbacks. Messages in these benchmarks are small, so split
/// frames are not expected (a count frame fails the run).
/// </summary>
internal sealed class RealtimeBenchClient : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly ClientWebSocket _socket = new();
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<JsonElement>? _onPush;
    private readonly Action<long>? _onAnswer;
    private Task _receiving = Task.CompletedTask;
    private long _request;

    private RealtimeBenchClient(Action<JsonElement>? onPush, Action<long>? onAnswer)
    {
        _onPush = onPush;
        _onAnswer = onAnswer;
    }

    /// <summary>Connects and waits for the handshake.</summary>
    /// <param name="firebaseUrl">The emulator's Firebase address.</param>
    /// <param name="onPush">Called on the receive loop with each push's body (<c>b</c>).</param>
    /// <param name="onAnswer">Called on the receive loop with the number of each answered request.</param>
    public static async Task<RealtimeBenchClient> ConnectAsync(Uri firebaseUrl, Action<JsonElement>? onPush = null, Action<long>? onAnswer = null)
    {
        var client = new RealtimeBenchClient(onPush, onAnswer);
        var uri = new UriBuilder(firebaseUrl) { Scheme = "ws", Path = "/.ws", Query = "v=5&ns=default" }.Uri;
        await client._socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(Wait).ConfigureAwait(false);
        client._receiving = Task.Run(client.ReceiveLoopAsync);
        await client._handshake.Task.WaitAsync(Wait).ConfigureAwait(false);
        return client;
    }

    /// <summary>Sends a request without waiting for its answer; returns its number.</summary>
    public async Task<long> SendAsync(string action, string bodyJson)
    {
        var r = Interlocked.Increment(ref _request);
        var frame = Encoding.UTF8.GetBytes("{\"t\":\"d\",\"d\":{\"r\":" + r.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"a\":\"" + action + "\",\"b\":" + bodyJson + "}}");
        await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        return r;
    }

    private async Task ReceiveLoopAsync()
    {
        // Small, so that the client's share of the memory measured per listener stays small.
        var buffer = new byte[1024];
        var frame = new ArrayBufferWriter<byte>(1024);
        try
        {
            while (true)
            {
                frame.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    frame.Write(buffer.AsSpan(0, result.Count));
                }
                while (!result.EndOfMessage);

                Dispatch(frame.WrittenSpan);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _handshake.TrySetException(ex);
        }
    }

    private void Dispatch(ReadOnlySpan<byte> frame)
    {
        using var doc = JsonDocument.Parse(frame.ToArray());
        var root = doc.RootElement;
        var data = root.GetProperty("d");
        if (root.GetProperty("t").GetString() == "c")
        {
            if (data.GetProperty("t").GetString() == "h")
            {
                _handshake.TrySetResult();
            }

            return;
        }

        if (data.TryGetProperty("r", out var r))
        {
            _onAnswer?.Invoke(r.GetInt64());
        }
        else
        {
            _onPush?.Invoke(data.GetProperty("b"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(Wait);
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }

        await _receiving.ConfigureAwait(false);
        _socket.Dispose();
    }
}
