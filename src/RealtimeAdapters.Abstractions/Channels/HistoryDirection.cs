namespace RealtimeAdapters;

/// <summary>The order in which history pages come.</summary>
public enum HistoryDirection
{
    /// <summary>Newest first (the default).</summary>
    Backwards,

    /// <summary>Oldest first.</summary>
    Forwards,
}
