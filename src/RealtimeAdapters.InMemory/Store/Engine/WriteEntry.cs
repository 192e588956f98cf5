namespace RealtimeAdapters.InMemory;

/// <summary>One value a write replaces: where, what was there, and the resolved new value.</summary>
internal readonly record struct WriteEntry(RealtimePath Path, DataNode Old, DataNode Value);
