using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace RealtimeAdapters.Comparison;

/// <summary>
/// Reads a channel subscription in the background and records each message's arrival (its name, its data and the
/// <see cref="Stopwatch"/> timestamp); a scenario awaits a number of messages of a name, with a timeout.
/// </summary>
internal sealed class Collector : IAsyncDisposable
{
    private readonly IRealtimeSubscription<ChannelMessage> _subscription;
    private readonly ConcurrentQueue<(string? Name, string Data, long At)> _arrivals = new();
    private readonly Task _reader;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _counts = [];
    private readonly List<(string Name, int Count, TaskCompletionSource Done)> _waiters = [];

    private Collector(IRealtimeSubscription<ChannelMessage> subscription)
    {
        _subscription = subscription;
        _reader = Task.Run(ReadAsync);
    }

    public IEnumerable<(string? Name, string Data, long At)> Arrivals => _arrivals;

    public static async Task<Collector> StartAsync(IChannel channel) =>
        new(await channel.SubscribeAsync(new ChannelSubscriptionOptions { Buffer = new SubscriptionBufferOptions { Capacity = null } }).AsTask().WaitAsync(Scenarios.Timeout).ConfigureAwait(false));

    /// <summary>Waits until <paramref name="count"/> messages named <paramref name="name"/> have arrived in all.</summary>
    public Task WaitForAsync(string name, int count)
    {
        lock (_gate)
        {
            if (_counts.GetValueOrDefault(name) >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((name, count, done));
            return done.Task.WaitAsync(Scenarios.Timeout);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _subscription.DisposeAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(false);
    }

    /// <summary>The send timestamp a payload starts with (<c>ticks|…</c>).</summary>
    public static long SentAt(string data) => long.Parse(data.AsSpan(0, data.IndexOf('|', StringComparison.Ordinal)), CultureInfo.InvariantCulture);

    /// <summary>A payload of <paramref name="size"/> characters carrying the send timestamp and a sequence number.</summary>
    public static string Payload(int size, int sequence)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetTimestamp()}|{sequence}|");
        return head.Length >= size ? head : head + new string('x', size - head.Length);
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var message in ((IAsyncEnumerable<ChannelMessage>)_subscription).ConfigureAwait(false))
            {
                var at = Stopwatch.GetTimestamp();
                _arrivals.Enqueue((message.Name, message.Data.Kind == MessageDataKind.String ? message.Data.AsString() : string.Empty, at));
                lock (_gate)
                {
                    var name = message.Name ?? string.Empty;
                    var count = _counts[name] = _counts.GetValueOrDefault(name) + 1;
                    for (var i = _waiters.Count - 1; i >= 0; i--)
                    {
                        if (_waiters[i].Name == name && count >= _waiters[i].Count)
                        {
                            _waiters[i].Done.TrySetResult();
                            _waiters.RemoveAt(i);
                        }
                    }
                }
            }
        }
#pragma warning disable CA1031 // A subscription that fails leaves the waiters to time out, which the scenario reports.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
