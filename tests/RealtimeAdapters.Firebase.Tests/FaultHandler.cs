using System.Collections.Concurrent;
using System.Net;

namespace RealtimeAdapters.Firebase.Tests;

/// <summary>
/// Sits between the store and the emulator: records requests, answers chosen ones with canned statuses or redirects,
/// and can cut open event streams (the client then reads end-of-stream).
/// </summary>
internal sealed class FaultHandler : DelegatingHandler
{
    private readonly ConcurrentBag<CuttableStream> _streams = [];

    public FaultHandler()
        : base(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
    }

    public ConcurrentQueue<(HttpMethod Method, Uri Uri, string? Authorization, bool Stream)> Requests { get; } = new();

    /// <summary>Statuses to answer the next requests with (one per request) instead of forwarding them.</summary>
    public ConcurrentQueue<HttpStatusCode> Injected { get; } = new();

    /// <summary>When set, the next request is answered with a 307 to the same URL without its query-string credential.</summary>
    public bool RedirectNext { get; set; }

    public int StreamRequests => Requests.Count(r => r.Stream);

    public TaskCompletionSource StreamClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void CutStreams()
    {
        foreach (var s in _streams)
        {
            s.Cut();
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isStream = request.Headers.Accept.Any(a => a.MediaType == "text/event-stream");
        Requests.Enqueue((request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), isStream));
        if (Injected.TryDequeue(out var status))
        {
            return new HttpResponseMessage(status) { Content = new StringContent("{\"error\" : \"injected\"}") };
        }

        if (RedirectNext)
        {
            RedirectNext = false;
            var builder = new UriBuilder(request.RequestUri!);
            builder.Query = string.Join('&', builder.Query.TrimStart('?').Split('&').Where(p => !p.StartsWith("auth=", StringComparison.Ordinal)));
            var redirect = new HttpResponseMessage(HttpStatusCode.TemporaryRedirect);
            redirect.Headers.Location = builder.Uri;
            return redirect;
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (isStream && response.IsSuccessStatusCode)
        {
            var inner = await response.Content.ReadAsStreamAsync(cancellationToken);
            var cuttable = new CuttableStream(inner, StreamClosed);
            _streams.Add(cuttable);
            var content = new StreamContent(cuttable);
            foreach (var h in response.Content.Headers)
            {
                content.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }

            response.Content = content;
        }

        return response;
    }

    private sealed class CuttableStream(Stream inner, TaskCompletionSource closed) : Stream
    {
        private readonly CancellationTokenSource _cut = new();

        public void Cut() => _cut.Cancel();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_cut.IsCancellationRequested)
            {
                return 0;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cut.Token);
            try
            {
                return await inner.ReadAsync(buffer, linked.Token);
            }
            catch (OperationCanceledException) when (_cut.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return 0;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                closed.TrySetResult();
                _cut.Dispose();
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
