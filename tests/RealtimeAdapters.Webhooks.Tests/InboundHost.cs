using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RealtimeAdapters.Webhooks.Tests;

/// <summary>An ASP.NET Core app on loopback serving <c>MapAblyWebhooks</c>, and a client that posts signed deliveries to it.</summary>
internal sealed class InboundHost : IAsyncDisposable
{
    public const string Key = "app.hooks:hook-secret";
    public const string KeyName = "app.hooks";
    public const string KeySecret = "hook-secret";

    private readonly WebApplication _app;
    private readonly HttpClient _http = new();

    private InboundHost(WebApplication app, Uri url, LogCapture logs)
    {
        _app = app;
        Url = url;
        Logs = logs;
    }

    public Uri Url { get; }

    public LogCapture Logs { get; }

    public AblyWebhookReceiver Receiver => _app.Services.GetRequiredService<AblyWebhookReceiver>();

    /// <summary>Starts the app.</summary>
    /// <param name="configure">Changes to the endpoint's options.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="override">Given the request's number (from 1), a status to answer instead of the endpoint, or null.</param>
    public static async Task<InboundHost> StartAsync(Action<AblyWebhookOptions>? configure, CancellationToken cancellationToken, Func<int, int?>? @override = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var logs = new LogCapture();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddAblyWebhooks(o =>
        {
            o.Keys.Add(Key);
            configure?.Invoke(o);
        });
        var app = builder.Build();
        var requests = 0;
        app.Use(async (context, next) =>
        {
            if (@override?.Invoke(Interlocked.Increment(ref requests)) is { } status)
            {
                context.Response.StatusCode = status;
                return;
            }

            await next(context);
        });
        app.MapAblyWebhooks("/hooks/ably");
        await app.StartAsync(cancellationToken);
        return new InboundHost(app, new Uri(app.Urls.First() + "/hooks/ably"), logs);
    }

    public static string Sign(string secret, byte[] body) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public async Task<(int Status, string Reason)> PostAsync(byte[] body, string? keyName, string? signature, CancellationToken cancellationToken, bool chunked = false)
    {
        // Chunked: a stream of unknown length, so no Content-Length tells the endpoint the size before it reads.
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = chunked ? new StreamContent(new UnseekableStream(body)) : new ByteArrayContent(body) };
        request.Headers.TransferEncodingChunked = chunked;
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (keyName is not null)
        {
            request.Headers.Add("X-Ably-Key", keyName);
        }

        if (signature is not null)
        {
            request.Headers.Add("X-Ably-Signature", signature);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public Task<(int Status, string Reason)> PostSignedAsync(byte[] body, CancellationToken cancellationToken) =>
        PostAsync(body, KeyName, Sign(KeySecret, body), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }
}

/// <summary>A read-only stream that cannot say its length.</summary>
internal sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes, writable: false)
{
    public override bool CanSeek => false;
}

/// <summary>Collects every log line, to prove secrets stay out of them.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Waits until the lines logged so far satisfy a condition (checked again after every new line).</summary>
    public async Task WaitAsync(Func<IReadOnlyCollection<string>, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var added = Volatile.Read(ref _added).Task;
            if (condition(_lines))
            {
                return;
            }

            await added.WaitAsync(cancellationToken);
        }
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        Interlocked.Exchange(ref _added, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(formatter(state, exception) + exception);
    }
}
