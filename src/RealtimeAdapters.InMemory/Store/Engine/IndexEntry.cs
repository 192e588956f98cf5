namespace RealtimeAdapters.InMemory;

/// <summary>
/// A child's place in a <see cref="ChildIndex"/>: its key and its sort value reduced once to inline fields (the rank of
/// its kind in the order, and its number or string), so that comparisons inside the index never follow pointers to other
/// nodes. The child's value is not held: a change that keeps the child's place leaves the index as it is, and the value
/// is read from the tree when an event needs it.
/// </summary>
/// <param name="Key">The child's key.</param>
/// <param name="Number">The sort value when it is a number.</param>
/// <param name="Text">The sort value when it is a string.</param>
/// <param name="Order">
/// Two fields in one word, so the entry stays 32 bytes: in the top 3 bits the kind's place in the order (value order:
/// null, false, true, number, string, object; priority order: none, number, string), below it a summary of the key that
/// orders as the key does wherever two summaries differ (<see cref="IndexEntryComparer.KeyOrderOf"/>). Most comparisons
/// of keys in a large index end on the summary without reading either key's characters.
/// </param>
internal readonly record struct IndexEntry(string Key, double Number, string? Text, ulong Order)
{
    /// <summary>The kind's place in the order.</summary>
    public int Class => (int)(Order >> IndexEntryComparer.KeyOrderBits);

    /// <summary>The key's summary.</summary>
    public ulong KeyOrder => Order & ((1UL << IndexEntryComparer.KeyOrderBits) - 1);
}
