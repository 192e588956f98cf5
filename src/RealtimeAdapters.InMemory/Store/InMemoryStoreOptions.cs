namespace RealtimeAdapters.InMemory;

/// <summary>Settings of an <see cref="InMemoryRealtimeStore"/> that owns its own <see cref="InMemoryDatabase"/>.</summary>
public sealed class InMemoryStoreOptions
{
    /// <summary>
    /// The clock that resolves <see cref="ServerValue.Timestamp"/> and dates push ids. Use a fake clock in tests to make
    /// timestamps and push ids predictable.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
