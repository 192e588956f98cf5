using RealtimeAdapters;

namespace LiveDashboard;

/// <summary>
/// A viewer: shows the latest reading and measures how long each took to arrive (its receive time minus the producer's
/// send time).
/// </summary>
public sealed class DashboardViewer : IAsyncDisposable
{
    private readonly IChannel _channel;
    private readonly TimeProvider _timeProvider;
    private readonly List<TimeSpan> _latencies = [];
    private readonly Lock _lock = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private IRealtimeSubscription<ChannelMessage>? _subscription;
    private Task _pump = Task.CompletedTask;

    /// <summary>Creates a viewer of <paramref name="channel"/>.</summary>
    /// <param name="channel">The dashboard's channel.</param>
    /// <param name="timeProvider">The clock to measure with (the producer's, or one synchronised with it).</param>
    public DashboardViewer(IChannel channel, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _channel = channel;
        _timeProvider = timeProvider;
    }

    /// <summary>The latest reading, if any.</summary>
    public Reading? Latest { get; private set; }

    /// <summary>How many readings arrived.</summary>
    public int Received
    {
        get
        {
            lock (_lock)
            {
                return _latencies.Count;
            }
        }
    }

    /// <summary>The channel of a dashboard.</summary>
    /// <param name="dashboard">The dashboard's name.</param>
    public static string ChannelName(string dashboard) => "dashboard:" + dashboard;

    /// <summary>Subscribes; completes once attached (readings published from then on arrive).</summary>
    /// <param name="cancellationToken">Cancels attaching.</param>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _subscription = await _channel.SubscribeAsync([DashboardProducer.ReadingEvent], cancellationToken).ConfigureAwait(false);
        _pump = PumpAsync(_subscription);
    }

    /// <summary>The latency of everything received so far.</summary>
    public LatencySummary Summarize()
    {
        lock (_lock)
        {
            return LatencySummary.From(_latencies);
        }
    }

    /// <summary>The latencies measured so far, in arrival order.</summary>
    public IReadOnlyList<TimeSpan> Latencies
    {
        get
        {
            lock (_lock)
            {
                return [.. _latencies];
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> readings have arrived.</summary>
    /// <param name="count">How many.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task WaitForAsync(int count, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_latencies.Count >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Unsubscribes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
        }

        await _pump.ConfigureAwait(false);
    }

    private async Task PumpAsync(IRealtimeSubscription<ChannelMessage> subscription)
    {
        await foreach (var message in subscription)
        {
            var now = (_timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds;
            if (message.Data.GetValue<Reading>() is not { } reading)
            {
                continue;
            }

            Latest = reading;
            lock (_lock)
            {
                _latencies.Add(TimeSpan.FromMilliseconds(Math.Max(0, now - reading.SentAtUnixMs)));
                foreach (var waiter in _waiters.Where(w => w.Count <= _latencies.Count).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Reached.TrySetResult();
                }
            }
        }
    }
}
