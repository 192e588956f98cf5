using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace RealtimeAdapters.Comparison;

/// <summary>
/// Reads a channel subscription (or a store watch) in the background and records each arrival (its name, its data and
/// the <see cref="Stopwatch"/> timestamp); a scenario awaits a number of arrivals of a name, with a timeout.
/// </summary>
internal sealed class Collector : IAsyncDisposable
{
    private readonly IAsyncDisposable _subscription;
    private readonly ConcurrentQueue<(string? Name, string Data, long At)> _arrivals = new();
    private readonly Task _reader;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _counts = [];
    private readonly List<(string Name, int Count, TaskCompletionSource Done)> _waiters = [];

    // The reader gets the collector as an argument: a closure over a variable assigned after the constructor returned
    // could run first on the thread pool and see null (a NullReferenceException seen under load in CI).
    private Collector(IAsyncDisposable subscription, Func<Collector, Task> read)
    {
        _subscription = subscription;
        _reader = Task.Run(() => read(this));
    }

    public IEnumerable<(string? Name, string Data, long At)> Arrivals => _arrivals;

    /// <summary>Collects a channel's messages (name and string data).</summary>
    public static async Task<Collector> StartAsync(IChannel channel)
    {
        var subscription = await channel.SubscribeAsync(new ChannelSubscriptionOptions { Buffer = Unbounded }).AsTask().WaitAsync(Scenarios.Timeout).ConfigureAwait(false);
        return new Collector(subscription, collector => collector.ReadAsync(subscription, static m => (m.Name, m.Data.Kind == MessageDataKind.String ? m.Data.AsString() : string.Empty)));
    }

    /// <summary>Collects the children added to a list in a store, each <c>{ k: name, d: data }</c>.</summary>
    public static async Task<Collector> StartAsync(IRealtimeStore store, RealtimePath list)
    {
        var watch = await store.WatchAsync(list, new WatchOptions { Events = StoreEventKind.ChildAdded, Buffer = Unbounded }).AsTask().WaitAsync(Scenarios.Timeout).ConfigureAwait(false);
        return new Collector(watch, collector => collector.ReadAsync(watch, static e => (e.Snapshot.Node.GetChild("k").GetString(), e.Snapshot.Node.GetChild("d").GetString())));
    }

    /// <summary>A list child as <see cref="StartAsync(IRealtimeStore, RealtimePath)"/> reads it.</summary>
    public static DataNode Child(string name, string data) => DataNode.FromChildren([new("k", name), new("d", data)]);

    private static readonly SubscriptionBufferOptions Unbounded = new() { Capacity = null };

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

    private async Task ReadAsync<T>(IAsyncEnumerable<T> events, Func<T, (string? Name, string Data)> project)
    {
        try
        {
            await foreach (var e in events.ConfigureAwait(false))
            {
                var at = Stopwatch.GetTimestamp();
                var (eventName, data) = project(e);
                _arrivals.Enqueue((eventName, data, at));
                lock (_gate)
                {
                    var name = eventName ?? string.Empty;
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
