namespace RealtimeAdapters.Ably.Protocol;

/// <summary>The <c>auth</c> field of an AUTH message (RTN22): the new token.</summary>
public sealed record AuthDetails
{
    public string? AccessToken { get; set; }
}
