using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace RealtimeAdapters.Emulator.Tests.Firebase.Realtime;

/// <summary>
/// A raw client of the Firebase realtime protocol for wire tests: sends frames and requests, reads frames and messages
/// (joining split messages as the SDK does). Every wait has a timeout; absence is proven with a sentinel request whose
/// answer must come first.
/// </summary>
internal sealed class RealtimeWireClient : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket = new();
    private long _nextRequest;

    private RealtimeWireClient()
    {
    }

    public WebSocketState State => _socket.State;

    /// <summary>The status of the server's close frame, once one arrived.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The handshake's session id (after <see cref="ConnectAsync"/> with <c>handshake: true</c>).</summary>
    public string? SessionId { get; private set; }

    public JsonObject? Handshake { get; private set; }

    public static async Task<RealtimeWireClient> ConnectAsync(Uri firebaseUrl, string ns = "default", bool handshake = true, string? extraQuery = null)
    {
        var client = new RealtimeWireClient();
        var uri = new UriBuilder(firebaseUrl) { Scheme = "ws", Path = "/.ws", Query = $"v=5&ns={ns}{extraQuery}" }.Uri;
        await client._socket.ConnectAsync(uri, TestContext.Current.CancellationToken).WaitAsync(Wait);
        if (handshake)
        {
            var first = await client.ReceiveAsync() ?? throw new InvalidOperationException("Closed before the handshake.");
            Assert.Equal("c", (string?)first["t"]);
            Assert.Equal("h", (string?)first["d"]!["t"]);
            client.Handshake = first["d"]!["d"]!.AsObject();
            client.SessionId = (string?)client.Handshake["s"];
        }

        return client;
    }

    public Task SendFrameAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type) =>
        await _socket.SendAsync(bytes, type, endOfMessage: true, TestContext.Current.CancellationToken).WaitAsync(Wait);

    /// <summary>Sends a data request and returns its number.</summary>
    public async Task<long> SendRequestAsync(string action, JsonNode? body)
    {
        var r = Interlocked.Increment(ref _nextRequest);
        var message = new JsonObject { ["t"] = "d", ["d"] = new JsonObject { ["r"] = r, ["a"] = action, ["b"] = body } };
        await SendFrameAsync(message.ToJsonString());
        return r;
    }

    /// <summary>Sends a request and reads until its answer, returning the answer and the messages that came before it.</summary>
    public async Task<(JsonObject Answer, List<JsonObject> Before)> RequestAsync(string action, JsonNode? body)
    {
        var r = await SendRequestAsync(action, body);
        return await AnswerAsync(r);
    }

    /// <summary>Reads until the answer to request <paramref name="r"/>; returns it and what came before it.</summary>
    public async Task<(JsonObject Answer, List<JsonObject> Before)> AnswerAsync(long r)
    {
        var before = new List<JsonObject>();
        while (true)
        {
            var message = await ReceiveAsync() ?? throw new InvalidOperationException($"Closed before the answer to request {r}.");
            if (message["d"]?["r"] is { } number && (long)number == r)
            {
                return (message["d"]!["b"]!.AsObject(), before);
            }

            before.Add(message);
        }
    }

    /// <summary>Proves that nothing arrives before a fresh request's answer (the sentinel), and returns what did.</summary>
    public async Task<List<JsonObject>> DrainAsync() => (await RequestAsync("s", new JsonObject { ["c"] = new JsonObject() })).Before;

    /// <summary>The next push (a data message without <c>r</c>).</summary>
    public async Task<JsonObject> PushAsync()
    {
        var message = await ReceiveAsync() ?? throw new InvalidOperationException("Closed before a push.");
        Assert.Null(message["d"]?["r"]);
        return message["d"]!.AsObject();
    }

    /// <summary>The next message, its pieces joined when it was split, or <see langword="null"/> once the server closed.</summary>
    public async Task<JsonObject?> ReceiveAsync()
    {
        var frame = await ReceiveFrameAsync();
        if (frame is null)
        {
            return null;
        }

        if (frame.Length <= 6 && frame.All(char.IsAsciiDigit))
        {
            var count = int.Parse(frame, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(count >= 2, $"The server sent the piece count {count}.");
            var text = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                text.Append(await ReceiveFrameAsync() ?? throw new InvalidOperationException("Closed inside a split message."));
            }

            frame = text.ToString();
        }

        return JsonNode.Parse(frame)!.AsObject();
    }

    /// <summary>The next raw text frame, or <see langword="null"/> once the server closed.</summary>
    public async Task<string?> ReceiveFrameAsync()
    {
        var buffer = new byte[64 * 1024];
        using var frame = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, TestContext.Current.CancellationToken).WaitAsync(Wait);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            frame.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(frame.ToArray());
    }

    /// <summary>Reads until the server closes; returns the control errors (<c>e</c>) it sent first.</summary>
    public async Task<List<string>> ExpectClosedAsync()
    {
        var errors = new List<string>();
        while (await ReceiveAsync() is { } message)
        {
            if ((string?)message["t"] == "c" && (string?)message["d"]!["t"] == "e")
            {
                errors.Add((string)message["d"]!["d"]!);
            }
        }

        Assert.Equal(WebSocketCloseStatus.ProtocolError, _socket.CloseStatus);
        return errors;
    }

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, TestContext.Current.CancellationToken).WaitAsync(Wait);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync();
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException or OperationCanceledException)
        {
        }

        _socket.Dispose();
    }

    public static JsonObject Body(string json) => JsonNode.Parse(json)!.AsObject();

    public static string Status(JsonObject answer) => (string)answer["s"]!;
}
