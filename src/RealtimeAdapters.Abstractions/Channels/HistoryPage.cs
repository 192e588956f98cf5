namespace RealtimeAdapters;

/// <summary>One page of history, with a way to the next.</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class HistoryPage<T>
{
    private readonly Func<CancellationToken, ValueTask<HistoryPage<T>>>? _next;

    /// <summary>Creates a page.</summary>
    /// <param name="items">The items of this page, in the query's direction.</param>
    /// <param name="next">Fetches the next page, or <see langword="null"/> when this is the last.</param>
    public HistoryPage(IReadOnlyList<T> items, Func<CancellationToken, ValueTask<HistoryPage<T>>>? next)
    {
        ArgumentNullException.ThrowIfNull(items);
        Items = items;
        _next = next;
    }

    /// <summary>The items of this page.</summary>
    public IReadOnlyList<T> Items { get; }

    /// <summary>Whether another page follows.</summary>
    public bool HasNext => _next is not null;

    /// <summary>Fetches the next page.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidOperationException">This is the last page.</exception>
    public ValueTask<HistoryPage<T>> GetNextAsync(CancellationToken cancellationToken = default) =>
        _next is null ? throw new InvalidOperationException("This is the last page.") : _next(cancellationToken);

    /// <summary>Streams every item from this page on, fetching pages as needed.</summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async IAsyncEnumerable<T> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var page = this;
        while (true)
        {
            foreach (var item in page.Items)
            {
                yield return item;
            }

            if (!page.HasNext)
            {
                yield break;
            }

            page = await page.GetNextAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
