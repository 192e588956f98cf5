using System.Net;
using System.Threading.Channels;

namespace RealtimeAdapters.Webhooks.Tests;

/// <summary>An HTTP handler answering each request with the next scripted status (the last one repeats), recording requests.</summary>
internal sealed class ScriptedHandler(params int[] statuses) : HttpMessageHandler
{
    private int _next;

    public Channel<RecordedRequest> Requests { get; } = Channel.CreateUnbounded<RecordedRequest>();

    public int Count => Volatile.Read(ref _next);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var index = Interlocked.Increment(ref _next) - 1;
        Requests.Writer.TryWrite(new RecordedRequest(request.RequestUri!, headers, body));
        return new HttpResponseMessage((HttpStatusCode)statuses[Math.Min(index, statuses.Length - 1)]);
    }
}

internal sealed record RecordedRequest(Uri Url, IReadOnlyDictionary<string, string> Headers, byte[] Body);
