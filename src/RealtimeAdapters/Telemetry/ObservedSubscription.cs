
namespace RealtimeAdapters.Telemetry;

/// <summary>Passes a subscription through, reporting each item its reader takes and the error it ends with, if any.</summary>
internal sealed class ObservedSubscription<T>(IRealtimeSubscription<T> inner, Action<T> onItem, Action<Exception> onError) : IRealtimeSubscription<T>
{
    public Task Completion => inner.Completion;

    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var enumerator = inner.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                if (!await MoveNextAsync(enumerator).ConfigureAwait(false))
                {
                    yield break;
                }

                var item = enumerator.Current;
                onItem(item);
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
        onError(error);
        return false;
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
