namespace RealtimeAdapters.Ably;

/// <summary>A change of an Ably channel's state, or an update while attached (RTL2g, RTL12).</summary>
/// <param name="Channel">The channel name.</param>
/// <param name="Previous">The state before.</param>
/// <param name="Current">The state now (equal to <paramref name="Previous"/> for an update while attached).</param>
/// <param name="Reason">The error that caused the change, if any.</param>
/// <param name="Resumed">
/// For a change to <see cref="AblyChannelState.Attached"/>: whether the server resumed the channel from where this client
/// left off, so nothing was missed.
/// </param>
/// <param name="ContinuityLost">
/// Whether messages or presence events may have been missed: the channel was attached before and this attach was not a
/// resume (after a failed connection resume, a suspension or a server DETACHED). Subscriptions carry on; readers that must
/// not miss anything should reconcile, e.g. from history.
/// </param>
public sealed record AblyChannelStateChange(
    string Channel,
    AblyChannelState Previous,
    AblyChannelState Current,
    RealtimeException? Reason = null,
    bool Resumed = false,
    bool ContinuityLost = false);
