namespace RealtimeAdapters;

/// <summary>A presence action (Ably's numbering).</summary>
public enum PresenceAction
{
    /// <summary>Not present (used internally during a sync).</summary>
    Absent = 0,

    /// <summary>Present: a member listed by a get or a sync.</summary>
    Present = 1,

    /// <summary>A member entered.</summary>
    Enter = 2,

    /// <summary>A member left (or its connection was lost).</summary>
    Leave = 3,

    /// <summary>A member updated its data.</summary>
    Update = 4,
}
