using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>
/// Reads a subscription one event at a time, failing the test when an expected event does not arrive within a timeout.
/// It never waits for silence: to show that nothing arrives, cause a later event (a sentinel) and check that it comes next.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public sealed class SubscriptionReader<T> : IAsyncDisposable
{
    private readonly IAsyncEnumerator<T> _enumerator;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _cancellationToken;
    private Task<bool>? _pending;
    private bool _ended;

    /// <summary>Starts reading a subscription.</summary>
    /// <param name="subscription">The subscription; disposing the reader disposes it.</param>
    /// <param name="timeout">How long to wait for each expected event.</param>
    /// <param name="cancellationToken">Aborts waits (the test's cancellation token).</param>
    public SubscriptionReader(IRealtimeSubscription<T> subscription, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        Subscription = subscription;
        _timeout = timeout;
        _cancellationToken = cancellationToken;
        _enumerator = subscription.GetAsyncEnumerator(CancellationToken.None);
    }

    /// <summary>The subscription being read.</summary>
    public IRealtimeSubscription<T> Subscription { get; }

    /// <summary>The next event.</summary>
    /// <param name="waitingFor">What the test expects, for the failure message.</param>
    /// <exception cref="Xunit.Sdk.FailException">No event arrived within the timeout, or the stream ended.</exception>
    public async ValueTask<T> NextAsync(string? waitingFor = null)
    {
        if (!await MoveNextAsync(waitingFor).ConfigureAwait(false))
        {
            Assert.Fail($"The subscription ended while waiting for {waitingFor ?? "an event"}.");
        }

        return _enumerator.Current;
    }

    /// <summary>The next <paramref name="count"/> events.</summary>
    /// <param name="count">How many.</param>
    /// <param name="waitingFor">What the test expects, for the failure message.</param>
    public async ValueTask<IReadOnlyList<T>> NextAsync(int count, string? waitingFor = null)
    {
        var items = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(await NextAsync($"{waitingFor ?? "events"} ({i + 1} of {count}, got so far: [{string.Join(", ", items)}])").ConfigureAwait(false));
        }

        return items;
    }

    /// <summary>Events up to and including the first one that matches <paramref name="last"/>.</summary>
    /// <param name="last">Recognises the last event wanted.</param>
    /// <param name="waitingFor">What the test expects, for the failure message.</param>
    /// <param name="maxEvents">Fails when more events than this arrive without a match.</param>
    public async ValueTask<IReadOnlyList<T>> ReadUntilAsync(Func<T, bool> last, string waitingFor, int maxEvents = 10_000)
    {
        ArgumentNullException.ThrowIfNull(last);
        var items = new List<T>();
        while (true)
        {
            var item = await NextAsync($"{waitingFor} (got so far: [{string.Join(", ", items)}])").ConfigureAwait(false);
            items.Add(item);
            if (last(item))
            {
                return items;
            }

            if (items.Count >= maxEvents)
            {
                Assert.Fail($"{maxEvents} events arrived without {waitingFor}.");
            }
        }
    }

    /// <summary>Waits until the stream ends, failing if it delivers another event or does not end within the timeout.</summary>
    /// <returns>The error the stream ended with, or <see langword="null"/> when it ended normally.</returns>
    public async ValueTask<Exception?> AssertEndsAsync()
    {
        try
        {
            if (await MoveNextAsync("the end of the stream").ConfigureAwait(false))
            {
                Assert.Fail($"Expected the stream to end, but it delivered {_enumerator.Current}.");
            }

            return null;
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.IAssertionException and not OperationCanceledException)
        {
            _ended = true;
            return ex;
        }
    }

    private async ValueTask<bool> MoveNextAsync(string? waitingFor)
    {
        if (_ended)
        {
            return false;
        }

        _pending ??= _enumerator.MoveNextAsync().AsTask();
        bool moved;
        try
        {
            moved = await _pending.WaitAsync(_timeout, _cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The pending read stays in _pending: an enumerator must not be advanced twice at once.
            Assert.Fail($"Nothing arrived within {_timeout.TotalSeconds:0.###} s while waiting for {waitingFor ?? "an event"}.");
            throw;
        }
        catch
        {
            _pending = null;
            _ended = true;
            throw;
        }

        _pending = null;
        _ended = !moved;
        return moved;
    }

    /// <summary>Disposes the subscription, then the enumerator once its pending read has finished.</summary>
    public async ValueTask DisposeAsync()
    {
        await Subscription.DisposeAsync().ConfigureAwait(false);
        if (_pending is { } pending)
        {
            try
            {
                await pending.WaitAsync(_timeout).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The read may end with the subscription's error or not at all; either way the reader is done.
            catch (Exception)
#pragma warning restore CA1031
            {
                // A read that never finishes leaves the enumerator undisposable; dropping it is the only option.
                if (!pending.IsCompleted)
                {
                    return;
                }
            }
        }

        await _enumerator.DisposeAsync().ConfigureAwait(false);
    }
}
