namespace RealtimeAdapters.Telemetry;

/// <summary>
/// Passes a subscription through, reporting each item its reader takes and the error it ends with, if any; its buffer
/// counts in the buffered gauge until it is disposed or ends.
/// </summary>
internal sealed class ObservedSubscription<T> : IRealtimeSubscription<T>, IBufferedSubscription
{
    private readonly IRealtimeSubscription<T> _inner;
    private readonly RealtimeInstruments _instruments;
    private readonly Action<T> _onItem;
    private readonly Action<Exception> _onError;

    public ObservedSubscription(IRealtimeSubscription<T> inner, RealtimeInstruments instruments, string providerName, Action<T> onItem, Action<Exception> onError)
    {
        _inner = inner;
        _instruments = instruments;
        _onItem = onItem;
        _onError = onError;
        ProviderName = providerName;
        instruments.Track(this);
        _ = inner.Completion.ContinueWith(static (_, state) => ((ObservedSubscription<T>)state!).Forget(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task Completion => _inner.Completion;

    public string ProviderName { get; }

    // Providers buffer in a RealtimeSubscription; another implementation's buffer is not visible.
    public int Buffered => _inner is RealtimeSubscription<T> buffered ? buffered.Count : 0;

    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var enumerator = _inner.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                if (!await MoveNextAsync(enumerator).ConfigureAwait(false))
                {
                    yield break;
                }

                var item = enumerator.Current;
                _onItem(item);
                yield return item;
            }
        }
    }

    // A separate method because C# does not allow yield inside a try with a catch.
    private async ValueTask<bool> MoveNextAsync(IAsyncEnumerator<T> enumerator)
    {
        try
        {
            return await enumerator.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && Report(ex))
        {
            throw;
        }
    }

    private bool Report(Exception error)
    {
        _onError(error);
        return false;
    }

    private void Forget() => _instruments.Forget(this);

    public ValueTask DisposeAsync()
    {
        Forget();
        return _inner.DisposeAsync();
    }
}
