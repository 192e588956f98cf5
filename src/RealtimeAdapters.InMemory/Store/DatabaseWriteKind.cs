namespace RealtimeAdapters.InMemory;

/// <summary>The shape of a write reported by <see cref="InMemoryDatabase.ObserveWrites(RealtimePath, Action{DatabaseWrite})"/>.</summary>
public enum DatabaseWriteKind
{
    /// <summary>A value replaced at one path (set, push, compare-and-set, or a priority change).</summary>
    Set,

    /// <summary>Several values replaced atomically below one path (a multi-path update).</summary>
    Update,
}
