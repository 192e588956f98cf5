using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace RealtimeAdapters.Emulator.Tests.Infrastructure;

/// <summary>An open event stream, read with the framework's SSE parser; every wait has a timeout.</summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpRequestMessage _request;
    private readonly CancellationTokenSource _cts = new();
    private IAsyncEnumerator<SseItem<string>>? _events;

    private SseStream(HttpRequestMessage request, HttpResponseMessage response)
    {
        _request = request;
        Response = response;
    }

    public HttpResponseMessage Response { get; }

    public HttpStatusCode Status => Response.StatusCode;

    /// <summary>The client's copy of the listened value, maintained from put and patch events.</summary>
    public DataNode Cache { get; private set; } = DataNode.Null;

    public static async Task<SseStream> CreateAsync(HttpRequestMessage request, HttpResponseMessage response)
    {
        var stream = new SseStream(request, response);
        if (response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStreamAsync();
            stream._events = SseParser.Create(body).EnumerateAsync(stream._cts.Token).GetAsyncEnumerator(stream._cts.Token);
        }

        return stream;
    }

    /// <summary>The next event (failing the test after a timeout or at the end of the stream).</summary>
    public async Task<StreamEvent> NextAsync(TimeSpan? timeout = null)
    {
        var events = _events ?? throw new InvalidOperationException($"The stream was refused: {(int)Response.StatusCode}");
        var more = await events.MoveNextAsync().AsTask().WaitAsync(timeout ?? EmulatorHost.Timeout, TestContext.Current.CancellationToken);
        Assert.True(more, "The stream ended.");
        var item = events.Current;
        using var doc = JsonDocument.Parse(item.Data);
        var result = new StreamEvent(item.EventType, doc.RootElement.Clone());
        Apply(result);
        return result;
    }

    /// <summary>The next event other than keep-alive.</summary>
    public async Task<StreamEvent> NextDataAsync()
    {
        while (true)
        {
            var next = await NextAsync();
            if (next.Event != "keep-alive")
            {
                return next;
            }
        }
    }

    /// <summary>Reads events until the cache equals <paramref name="expected"/>.</summary>
    public async Task WaitForCacheAsync(DataNode expected)
    {
        while (!Cache.Equals(expected))
        {
            await NextAsync();
        }
    }

    /// <summary>Asserts that the server ends the stream.</summary>
    public async Task AssertEndsAsync()
    {
        var events = _events!;
        try
        {
            var more = await events.MoveNextAsync().AsTask().WaitAsync(EmulatorHost.Timeout, TestContext.Current.CancellationToken);
            Assert.False(more, $"Expected the end of the stream, got event {events.Current.EventType}: {events.Current.Data}");
        }
        catch (HttpIOException)
        {
            // An abrupt end is an end too.
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Reads (and applies) events until the server ends the stream; fails when an event takes longer than the timeout to
    /// come, i.e. when the stream stays open.
    /// </summary>
    public async Task ReadToEndAsync()
    {
        var events = _events!;
        try
        {
            while (await events.MoveNextAsync().AsTask().WaitAsync(EmulatorHost.Timeout, TestContext.Current.CancellationToken))
            {
                var item = events.Current;
                using var doc = JsonDocument.Parse(item.Data);
                Apply(new StreamEvent(item.EventType, doc.RootElement.Clone()));
            }
        }
        catch (HttpIOException)
        {
            // An abrupt end is an end too.
        }
        catch (IOException)
        {
        }
    }

    private void Apply(StreamEvent e)
    {
        if (e.Event is not ("put" or "patch"))
        {
            return;
        }

        var path = RealtimePath.Parse(e.Data.GetProperty("path").GetString()!);
        var data = e.Data.GetProperty("data");
        if (e.Event == "put")
        {
            Cache = Cache.SetAt(path, DataNode.FromJson(data));
        }
        else
        {
            foreach (var property in data.EnumerateObject())
            {
                Cache = Cache.SetAt(path.Child(property.Name), DataNode.FromJson(property.Value));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        if (_events is not null)
        {
            try
            {
                await _events.DisposeAsync();
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or NotSupportedException)
            {
                // A read still pending after a failed wait cannot be disposed cleanly; the response is disposed below.
            }
        }

        Response.Dispose();
        _request.Dispose();
        _cts.Dispose();
    }
}

/// <summary>One server-sent event.</summary>
internal sealed record StreamEvent(string Event, JsonElement Data)
{
    public string Path => Data.GetProperty("path").GetString()!;

    public DataNode Value => DataNode.FromJson(Data.GetProperty("data"));

    public override string ToString() => $"{Event} {Data.GetRawText()}";
}
