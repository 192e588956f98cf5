namespace RealtimeAdapters.Ably.Protocol;

/// <summary>The <c>auth</c> field of an AUTH message (RTN22): the new token.</summary>
public sealed record AuthDetails
{
    /// <summary>The new token (AUTH, RTC8).</summary>
    public string? AccessToken { get; set; }
}
