namespace RealtimeAdapters.Ably.Protocol;

/// <summary>The action of a wire Message (TM5). ably-js sends <c>0</c> on every publish.</summary>
public enum MessageAction
{
    Create = 0,
    Update = 1,
    Delete = 2,
    Meta = 3,
    Summary = 4,
    Append = 5,
}
