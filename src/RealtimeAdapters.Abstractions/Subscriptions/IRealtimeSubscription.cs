namespace RealtimeAdapters;

/// <summary>
/// An ordered stream of events that is disposed to unsubscribe. Each subscription has its own buffer, so a slow reader
/// never delays other subscribers or writers; see <see cref="SubscriptionBufferOptions"/> for what happens when it
/// falls too far behind. Enumerate it once.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public interface IRealtimeSubscription<out T> : IAsyncEnumerable<T>, IAsyncDisposable
{
    /// <summary>
    /// Completes when the stream has ended: successfully when disposed or closed, faulted when the source failed
    /// (for example <see cref="SubscriptionOverflowException"/> or <see cref="RealtimePermissionException"/>).
    /// </summary>
    Task Completion { get; }
}
