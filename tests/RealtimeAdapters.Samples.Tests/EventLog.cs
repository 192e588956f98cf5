namespace RealtimeAdapters.Samples.Tests;

/// <summary>
/// Records a stream of events in the background and lets a test wait, with a timeout, until what it recorded (or the
/// state the events announce) satisfies a condition. No sleeping: each wait wakes on the next event.
/// </summary>
internal sealed class EventLog<T> : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly List<T> _events = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EventLog(Func<CancellationToken, IAsyncEnumerable<T>> source) => _pump = Task.Run(() => PumpAsync(source));

    public IReadOnlyList<T> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public async Task UntilAsync(Func<IReadOnlyList<T>, bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? DefaultTimeout);
        while (true)
        {
            Task changed;
            List<T> events;
            lock (_lock)
            {
                events = [.. _events];
                changed = _changed.Task;
            }

            if (condition(events))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Not reached in time: {what}. Events seen: {string.Join(" | ", events)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _stop.Dispose();
    }

    private async Task PumpAsync(Func<CancellationToken, IAsyncEnumerable<T>> source)
    {
        try
        {
            await foreach (var e in source(_stop.Token))
            {
                TaskCompletionSource changed;
                lock (_lock)
                {
                    _events.Add(e);
                    changed = _changed;
                    _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                changed.TrySetResult();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                _changed.TrySetException(e);
            }
        }
    }
}
