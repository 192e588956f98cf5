using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RealtimeAdapters.Emulator.Tests.Ably;

/// <summary>A raw JSON-protocol WebSocket client for wire tests: sends and receives ProtocolMessages as JSON objects.</summary>
internal sealed class AblyWireClient : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket = new();

    private AblyWireClient()
    {
    }

    public static async Task<AblyWireClient> ConnectAsync(Uri ablyUrl, string query)
    {
        var client = new AblyWireClient();
        var uri = new UriBuilder(ablyUrl) { Scheme = "ws", Query = query }.Uri;
        await client._socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(Wait);
        return client;
    }

    public WebSocketState State => _socket.State;

    public Task SendAsync(string json) => SendRawAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text);

    public Task SendAsync(JsonObject message) => SendAsync(message.ToJsonString());

    public async Task SendRawAsync(byte[] bytes, WebSocketMessageType type) =>
        await _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None).WaitAsync(Wait);

    /// <summary>The next frame as JSON, or <see langword="null"/> when the server closed the socket.</summary>
    public async Task<JsonObject?> ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var frame = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(Wait);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            frame.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return JsonNode.Parse(frame.ToArray())!.AsObject();
    }

    /// <summary>Skips frames until one with <paramref name="action"/> arrives.</summary>
    public async Task<JsonObject> ReceiveActionAsync(int action)
    {
        while (true)
        {
            var message = await ReceiveAsync() ?? throw new InvalidOperationException($"The socket closed before action {action} arrived.");
            if (message["action"]!.GetValue<int>() == action)
            {
                return message;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(Wait);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException)
        {
        }

        _socket.Dispose();
    }

    public static string Escape(string text) => Uri.EscapeDataString(text);

    public static JsonObject Parse(string json) => JsonNode.Parse(json, documentOptions: new JsonDocumentOptions())!.AsObject();
}
