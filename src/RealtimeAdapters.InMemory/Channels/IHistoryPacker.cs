namespace RealtimeAdapters.InMemory;

/// <summary>
/// Stores a <see cref="HistoryLog{T}"/>'s items as bytes in shared chunks instead of as objects, so that retaining
/// thousands of messages adds nothing the garbage collector has to trace or move while the log keeps them (a
/// collection otherwise copies every message published since the last one; see docs/benchmarks.md, "Where the p99
/// comes from"). An item the packer declines is kept as it is.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
internal interface IHistoryPacker<T>
    where T : class
{
    /// <summary>At most how many bytes <paramref name="item"/> packs into, or -1 to keep it as an object (what it holds could not be restored equal).</summary>
    int MaxSize(T item);

    /// <summary>Writes <paramref name="item"/> into <paramref name="destination"/> (<see cref="MaxSize"/> bytes long).</summary>
    /// <returns>The bytes written, or -1 to keep it as an object after all.</returns>
    int Pack(T item, Span<byte> destination);

    /// <summary>An item equal to the one packed into <paramref name="source"/>.</summary>
    T Unpack(ReadOnlySpan<byte> source);
}
