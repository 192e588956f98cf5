using RealtimeAdapters;
using RealtimeAdapters.Emulator;

namespace Monitoring;

/// <summary>
/// A steady load on every instrument the dashboard shows: publishes and subscriptions on both providers' channels
/// (delivery latency), presence enter/update/leave with a presence subscriber, store writes (set, update, transaction)
/// with a watcher, a publish the backend refuses now and then (error rate), and a connection drop through the
/// emulator's fault hooks every <see cref="LoadOptions.DropInterval"/> (churn, reconnects, writes pending while offline).
/// </summary>
/// <remarks>
/// Each loop survives the failures it provokes: a failed call is measured by the telemetry decorators, logged at debug
/// level here and the loop goes on; an ended subscription is opened again.
/// </remarks>
internal sealed partial class LoadGenerator(IServiceProvider services, RealtimeEmulator emulator, LoadOptions options, ILogger<LoadGenerator> logger) : BackgroundService
{
    private readonly HttpClient _http = new();

    /// <summary>The store client that writes.</summary>
    public const string Writer = "writer";

    /// <summary>The store client that watches.</summary>
    public const string Watcher = "watcher";

    /// <summary>The Firebase channel client that publishes and enters presence.</summary>
    public const string FirebasePublisher = "firebase-publisher";

    /// <summary>The Firebase channel client that subscribes.</summary>
    public const string FirebaseSubscriber = "firebase-subscriber";

    /// <summary>The Ably channel client that publishes and enters presence.</summary>
    public const string AblyPublisher = "ably-publisher";

    /// <summary>The Ably channel client that subscribes.</summary>
    public const string AblySubscriber = "ably-subscriber";

    private const string Channel = "load";

    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(250);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IChannelClient Channels(string key) => services.GetRequiredKeyedService<IChannelClient>(key);
        IRealtimeStore Store(string key) => services.GetRequiredKeyedService<IRealtimeStore>(key);

        var loops = new List<Task>();
        foreach (var (publisher, subscriber) in (ReadOnlySpan<(string, string)>)[(FirebasePublisher, FirebaseSubscriber), (AblyPublisher, AblySubscriber)])
        {
            var from = Channels(publisher).GetChannel(Channel);
            var to = Channels(subscriber).GetChannel(Channel);
            loops.Add(RepeatAsync($"{publisher} publish", options.PublishInterval, (n, ct) => from.PublishAsync("tick", MessageData.FromString(n.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct), stoppingToken));
            loops.Add(ReadAsync($"{subscriber} subscription", ct => to.SubscribeAsync(cancellationToken: ct), stoppingToken));
            loops.Add(ReadAsync($"{subscriber} presence subscription", ct => to.Presence.SubscribeAsync(cancellationToken: ct), stoppingToken));
            loops.Add(RepeatAsync($"{publisher} presence", options.PresenceInterval, (n, ct) => (n % 4) switch
            {
                0 => from.Presence.EnterAsync(MessageData.FromString("here"), ct),
                3 => from.Presence.LeaveAsync(cancellationToken: ct),
                _ => from.Presence.UpdateAsync(MessageData.FromString($"busy {n}"), ct),
            }, stoppingToken));
        }

        var writer = Store(Writer);
        loops.Add(RepeatAsync("store write", options.WriteInterval, (n, ct) => (n % 5) switch
        {
            0 => writer.UpdateAsync("load/stats", new Dictionary<string, DataNode> { ["writes"] = n }, ct),
            4 => WithoutResult(writer.RunTransactionAsync<long>("load/counter", count => count + 1, cancellationToken: ct)),
            _ => writer.SetAsync("load/latest", n, ct),
        }, stoppingToken));
        loops.Add(ReadAsync("store watch", ct => Store(Watcher).WatchAsync("load", cancellationToken: ct), stoppingToken));

        // The writer watches what it writes too: how long its own listeners take to see its writes (store write latency).
        loops.Add(ReadAsync("writer's own watch", ct => writer.WatchAsync("load/latest", cancellationToken: ct), stoppingToken));

        var refused = Channels(AblyPublisher).GetChannel(Channel);
        var tooLarge = MessageData.FromString(new string('x', 128 * 1024));
        loops.Add(RepeatAsync("refused publish", options.RefusalInterval, (_, ct) => refused.PublishAsync("too-large", tooLarge, ct), stoppingToken));
        loops.Add(RepeatAsync("revoked key", options.RefusalInterval, (_, ct) => RevokedKeyAsync(ct), stoppingToken));
        loops.Add(RepeatAsync("connection drop", options.DropInterval, (n, _) => DropAsync(n), stoppingToken));
        return Task.WhenAll(loops);
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    // A client still using a key the app no longer has: the emulator answers 401 and counts the refusal.
    private async ValueTask RevokedKeyAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.AblyUrl, $"channels/{Channel}/messages"));
        request.Headers.Authorization = new("Basic", Convert.ToBase64String("revoked.key:secret"u8));
        using var response = await _http.SendAsync(request, cancellationToken);
    }

    private static async ValueTask WithoutResult<T>(ValueTask<T> call) => await call;

    private async ValueTask DropAsync(long n)
    {
        if (n % 2 == 0)
        {
            var count = emulator.DropFirebaseConnections(MonitoringApp.Namespace);
            LogDropped(logger, "firebase", count);
            return;
        }

        // One Ably transport at a time: the client resumes its connection, the subscriptions survive.
        var ids = emulator.AblyFaults.ConnectionIds;
        if (ids.Count > 0)
        {
            var dropped = await emulator.AblyFaults.DropTransportAsync(ids[(int)(n / 2 % ids.Count)]);
            LogDropped(logger, "ably", dropped ? 1 : 0);
        }
    }

    private async Task RepeatAsync(string what, TimeSpan interval, Func<long, CancellationToken, ValueTask> call, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        for (long n = 0; await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false) is true; n++)
        {
            try
            {
                await call(n, cancellationToken);
            }
            catch (RealtimeException ex)
            {
                LogFailed(logger, what, ex);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ReadAsync<T>(string what, Func<CancellationToken, ValueTask<IRealtimeSubscription<T>>> subscribe, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var subscription = await subscribe(cancellationToken);
                await foreach (var _ in subscription.WithCancellation(cancellationToken))
                {
                    // Reading is what the telemetry measures (received counts, delivery latency, buffered events).
                }
            }
            catch (RealtimeException ex)
            {
                LogFailed(logger, what, ex);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            await Task.Delay(Retry, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Load: {What} failed; going on.")]
    private static partial void LogFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Load: dropped {Count} {Provider} connection(s).")]
    private static partial void LogDropped(ILogger logger, string provider, int count);
}
