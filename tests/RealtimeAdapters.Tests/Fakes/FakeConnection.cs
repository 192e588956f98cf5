namespace RealtimeAdapters.Tests.Fakes;

/// <summary>A connection whose state a test sets.</summary>
internal sealed class FakeConnection : IRealtimeConnection
{
    public ConnectionState State { get; set; } = ConnectionState.Connected;

    public ConnectionStateChange? LastChange { get; set; }

    public IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null) => new RealtimeSubscription<ConnectionStateChange>(buffer);

    public ValueTask ConnectAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask CloseAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
