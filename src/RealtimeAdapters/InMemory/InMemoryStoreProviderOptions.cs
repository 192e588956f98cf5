namespace RealtimeAdapters;

/// <summary>
/// Settings of an in-memory store registered with <c>AddInMemoryStore</c>, bound from
/// <c>Realtime:InMemory:Store</c> (or <c>Realtime:&lt;key&gt;:InMemory:Store</c> for a keyed store). The clock is the
/// container's <see cref="TimeProvider"/>.
/// </summary>
public sealed class InMemoryStoreProviderOptions
{
    /// <summary>The configuration section below <c>Realtime</c> (or <c>Realtime:&lt;key&gt;</c>): <c>InMemory:Store</c>.</summary>
    public const string ConfigurationSection = "InMemory:Store";

    /// <summary>
    /// The name of a database shared with other in-memory stores of the same container: stores with the same name see
    /// the same data, as two clients of one backend would. <see langword="null"/> (the default) gives the store a
    /// database of its own.
    /// </summary>
    public string? Database { get; set; }
}
