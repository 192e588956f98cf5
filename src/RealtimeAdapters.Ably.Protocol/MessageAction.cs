namespace RealtimeAdapters.Ably.Protocol;

/// <summary>The action of a wire Message (TM5). ably-js sends <c>0</c> on every publish.</summary>
public enum MessageAction
{
    /// <summary>A new message (MESSAGE_CREATE).</summary>
    Create = 0,
    /// <summary>An edit of an earlier message.</summary>
    Update = 1,
    /// <summary>A deletion of an earlier message.</summary>
    Delete = 2,
    /// <summary>A message the service generates (e.g. occupancy).</summary>
    Meta = 3,
    /// <summary>A summary of a message's annotations.</summary>
    Summary = 4,
    /// <summary>Data appended to an earlier message.</summary>
    Append = 5,
}
