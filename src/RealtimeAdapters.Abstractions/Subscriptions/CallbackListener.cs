namespace RealtimeAdapters;

/// <summary>Pumps a subscription into a callback until disposed; the basis of the callback-style helpers.</summary>
internal sealed class CallbackListener : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncDisposable _subscription;
    private Task _pump = Task.CompletedTask;

    private CallbackListener(IAsyncDisposable subscription) => _subscription = subscription;

    public static CallbackListener Start<T>(IRealtimeSubscription<T> subscription, Func<T, CancellationToken, ValueTask> handler, Action<Exception>? onError)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var listener = new CallbackListener(subscription);
        listener._pump = listener.PumpAsync(subscription, handler, onError);
        return listener;
    }

    private async Task PumpAsync<T>(IRealtimeSubscription<T> subscription, Func<T, CancellationToken, ValueTask> handler, Action<Exception>? onError)
    {
        await Task.Yield();
        try
        {
            await foreach (var item in subscription.WithCancellation(_stop.Token).ConfigureAwait(false))
            {
                await handler(item, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // The error is handed to the caller's callback; the pump must not fault unobserved.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            onError?.Invoke(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _subscription.DisposeAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        _stop.Dispose();
    }
}
