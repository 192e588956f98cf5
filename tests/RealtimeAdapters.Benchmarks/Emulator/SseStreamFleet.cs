using System.Net.ServerSentEvents;

namespace RealtimeAdapters.Benchmarks.Emulator;

/// <summary>
/// Many Server-Sent-Events streams open on the emulator, each read by its own task: a stream counts as open once its
/// first <c>put</c> (the initial value) has arrived; every later <c>put</c> or <c>patch</c> is handed to a callback.
/// </summary>
internal sealed class SseStreamFleet : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly Action<string>? _onEvent;
    private readonly List<HttpResponseMessage> _responses = [];
    private readonly List<Task> _readers = [];
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Creates an empty fleet.</summary>
    /// <param name="http">The client, addressed at the emulator's Firebase URL.</param>
    /// <param name="onEvent">Called with the data of each event after the first, on the stream's reader task.</param>
    public SseStreamFleet(HttpClient http, Action<string>? onEvent)
    {
        _http = http;
        _onEvent = onEvent;
    }

    /// <summary>
    /// Opens <paramref name="count"/> streams of <paramref name="pathAndQuery"/>, at most <paramref name="parallelism"/> at
    /// a time (so that the connects stay within the listen backlog), and returns once each has received its initial put.
    /// </summary>
    public Task OpenAsync(string pathAndQuery, int count, int parallelism) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (_, cancellationToken) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
                request.Headers.Accept.ParseAdd("text/event-stream");
                var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (_responses)
                {
                    _responses.Add(response);
                    _readers.Add(Task.Run(() => ReadAsync(body, opened), CancellationToken.None));
                }

                await opened.Task.ConfigureAwait(false);
            });

    private async Task ReadAsync(Stream body, TaskCompletionSource opened)
    {
        try
        {
            await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token).ConfigureAwait(false))
            {
                if (item.EventType is not ("put" or "patch"))
                {
                    continue;
                }

                if (opened.TrySetResult())
                {
                    continue;
                }

                _onEvent?.Invoke(item.Data);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
        finally
        {
            opened.TrySetException(new InvalidOperationException("The stream ended before its first event."));
        }
    }

    /// <summary>Closes every stream and waits for the readers to stop.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var response in _responses)
        {
            response.Dispose();
        }

        await Task.WhenAll(_readers).ConfigureAwait(false);
        _stop.Dispose();
    }
}
