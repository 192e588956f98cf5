using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace RealtimeAdapters.Emulator.Tests.Infrastructure;

/// <summary>An in-process emulator on a free loopback port with an HttpClient pointed at it.</summary>
internal sealed class EmulatorHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private EmulatorHost(RealtimeEmulator emulator, FakeTimeProvider? time)
    {
        Emulator = emulator;
        Time = time;
        Http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = emulator.FirebaseUrl,
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    public RealtimeEmulator Emulator { get; }

    public HttpClient Http { get; }

    public FakeTimeProvider? Time { get; }

    public static async Task<EmulatorHost> StartAsync(Action<EmulatorOptions>? configure = null, FakeTimeProvider? time = null)
    {
        var options = new EmulatorOptions { Firebase = { Port = 0 } };
        if (time is not null)
        {
            options.TimeProvider = time;
        }

        configure?.Invoke(options);
        var emulator = await RealtimeEmulator.StartAsync(options, TestContext.Current.CancellationToken);
        return new EmulatorHost(emulator, time);
    }

    public static FakeTimeProvider NewFakeTime() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public Task<Reply> GetAsync(string pathAndQuery, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Get, pathAndQuery, (byte[]?)null, configure);

    public Task<Reply> PutAsync(string pathAndQuery, string body, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Put, pathAndQuery, body, configure);

    public Task<Reply> PostAsync(string pathAndQuery, string body, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Post, pathAndQuery, body, configure);

    public Task<Reply> PatchAsync(string pathAndQuery, string body, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Patch, pathAndQuery, body, configure);

    public Task<Reply> DeleteAsync(string pathAndQuery, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Delete, pathAndQuery, (byte[]?)null, configure);

    public Task<Reply> SendAsync(HttpMethod method, string pathAndQuery, string? body, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(method, pathAndQuery, body is null ? null : Encoding.UTF8.GetBytes(body), configure);

    public async Task<Reply> SendAsync(HttpMethod method, string pathAndQuery, byte[]? body, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new("application/json");
        }

        configure?.Invoke(request);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(Timeout);
        using var response = await Http.SendAsync(request, cts.Token);
        var text = await response.Content.ReadAsStringAsync(cts.Token);
        return new Reply(response.StatusCode, text, response.Headers.ETag?.Tag ?? (response.Headers.TryGetValues("ETag", out var e) ? e.First() : null), response);
    }

    /// <summary>Sets data as admin, bypassing rules.</summary>
    public async Task SeedAsync(string path, string json, string? ns = null)
    {
        var reply = await PutAsync(path + ".json" + (ns is null ? string.Empty : "?ns=" + ns), json, Owner);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    public static void Owner(HttpRequestMessage request) => request.Headers.Authorization = new("Bearer", "owner");

    public async Task<SseStream> OpenStreamAsync(string pathAndQuery, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.ParseAdd("text/event-stream");
        configure?.Invoke(request);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(Timeout);
        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        return await SseStream.CreateAsync(request, response);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }
}
