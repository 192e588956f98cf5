namespace RealtimeAdapters.InMemory;

/// <summary>
/// One page of hub history with the cursor to the next one, for protocol front ends that page through URLs (Ably
/// <c>Link: rel="next"</c>). Clients get the same data as a <see cref="HistoryPage{T}"/>.
/// </summary>
/// <typeparam name="T"><see cref="ChannelMessage"/> or <see cref="PresenceMessage"/>.</typeparam>
public sealed class InMemoryHistoryPage<T>
{
    internal InMemoryHistoryPage(IReadOnlyList<T> items, string? nextFromSerial)
    {
        Items = items;
        NextFromSerial = nextFromSerial;
    }

    /// <summary>The items, in the query's direction.</summary>
    public IReadOnlyList<T> Items { get; }

    /// <summary>
    /// The <c>fromSerial</c> that continues after this page with the same query, or <see langword="null"/> when this is the
    /// last page. Opaque.
    /// </summary>
    public string? NextFromSerial { get; }

    /// <summary>Whether another page follows.</summary>
    public bool HasNext => NextFromSerial is not null;
}
