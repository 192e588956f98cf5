using System.Net.Http.Headers;
using System.Net.WebSockets;
using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Ably.Tests.Auth;

/// <summary>An Ably emulator on a fake clock shared with the client under test, and probes of what it accepts.</summary>
internal sealed class AuthEmulator : IAsyncDisposable
{
    private AuthEmulator(RealtimeEmulator emulator, FakeTimeProvider time)
    {
        Emulator = emulator;
        Time = time;
    }

    public RealtimeEmulator Emulator { get; }

    public FakeTimeProvider Time { get; }

    public string Key => Emulator.AblyKeys[0];

    public AblyApiKey ApiKey => AblyApiKey.Parse(Key);

    public static async Task<AuthEmulator> StartAsync(CancellationToken cancellationToken)
    {
        // On a whole millisecond, as Ably times are milliseconds.
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var emulator = await RealtimeEmulator.StartAsync(
            new EmulatorOptions { TimeProvider = time, Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } }, cancellationToken);
        return new AuthEmulator(emulator, time);
    }

    public AblyChannelClientOptions Options(Action<AblyChannelClientOptions>? configure = null)
    {
        var options = new AblyChannelClientOptions { Endpoint = Emulator.AblyUrl, TimeProvider = Time };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>GET channel history with the credential's Authorization header; the HTTP status.</summary>
    public async Task<int> RestStatusAsync(AuthenticationHeaderValue authorization, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Emulator.AblyUrl, "channels/auth-probe/messages"));
        request.Headers.Authorization = authorization;
        using var response = await http.SendAsync(request, cancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary>Opens a raw WebSocket with the credential's query parameter and returns the first protocol message.</summary>
    public async Task<ProtocolMessage> FirstWebSocketMessageAsync(string queryParameter, CancellationToken cancellationToken)
    {
        var uri = new UriBuilder(Emulator.AblyUrl) { Scheme = "ws", Query = queryParameter + "&format=json&v=6" }.Uri;
        using var socket = new ClientWebSocket();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(uri, timeout.Token);
        var buffer = new byte[64 * 1024];
        var count = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(count), timeout.Token);
            count += result.Count;
        }
        while (!result.EndOfMessage);

        var message = AblyCodec.DecodeProtocolMessage(buffer.AsMemory(0, count), WireFormat.Json);
        socket.Abort();
        return message;
    }

    public async ValueTask DisposeAsync() => await Emulator.DisposeAsync();
}
