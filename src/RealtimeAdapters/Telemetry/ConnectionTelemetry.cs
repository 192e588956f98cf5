using System.Diagnostics;

namespace RealtimeAdapters.Telemetry;

/// <summary>
/// Follows one store's or client's connection state: the active-connections count, transitions by new state (churn) and
/// reconnects. Started by the telemetry decorators; disposed with them.
/// </summary>
internal sealed class ConnectionTelemetry : IAsyncDisposable
{
    // Generous, and the oldest change goes first: telemetry must never fail or block the provider's state machine.
    private static readonly SubscriptionBufferOptions WatchBuffer = new() { Capacity = 1024, OverflowPolicy = BufferOverflowPolicy.DropOldest };

    private readonly RealtimeInstruments _instruments;
    private readonly KeyValuePair<string, object?> _provider;
    private readonly IRealtimeSubscription<ConnectionStateChange> _watch;
    private readonly Task _reading;
    private readonly Lock _gate = new();
    private bool _connected;
    private bool _everConnected;

    private ConnectionTelemetry(IRealtimeConnection connection, RealtimeInstruments instruments, string providerName)
    {
        _instruments = instruments;
        _provider = new(RealtimeDiagnostics.ProviderTag, providerName);

        // Watch first, then read the state: a change in between is seen twice, which Apply tolerates.
        _watch = connection.WatchState(WatchBuffer);
        if (connection.State == ConnectionState.Connected)
        {
            lock (_gate)
            {
                SetConnected(true);
            }
        }

        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Starts following <paramref name="source"/>'s connection; <see langword="null"/> when the provider has none to watch.</summary>
    public static ConnectionTelemetry? Start(Func<IRealtimeConnection> source, RealtimeInstruments instruments, string providerName)
    {
        IRealtimeConnection connection;
        try
        {
            connection = source();
        }
        catch (NotSupportedException)
        {
            // A provider (or a test double) without a connection model.
            return null;
        }

        return new ConnectionTelemetry(connection, instruments, providerName);
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var change in ((IAsyncEnumerable<ConnectionStateChange>)_watch).ConfigureAwait(false))
            {
                Apply(change);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The provider's watch failed: the counts stop, the provider goes on.
            _instruments.RecordSubscriptionFailure((string)_provider.Value!, "connection_state", ex);
        }
    }

    internal void Apply(ConnectionStateChange change)
    {
        lock (_gate)
        {
            if (change.Current != change.Previous)
            {
                _instruments.ConnectionTransitions.Add(1, new TagList { _provider, { RealtimeDiagnostics.ConnectionStateTag, StateName(change.Current) } });
            }

            var connected = change.Current == ConnectionState.Connected;
            if (connected && !_connected && _everConnected)
            {
                _instruments.ConnectionReconnects.Add(1, _provider);
            }

            SetConnected(connected);
        }
    }

    private void SetConnected(bool connected)
    {
        if (connected != _connected)
        {
            _instruments.ConnectionsActive.Add(connected ? 1 : -1, _provider);
            _connected = connected;
            _everConnected |= connected;
        }
    }

    private static string StateName(ConnectionState state) => state switch
    {
        ConnectionState.Initialized => "initialized",
        ConnectionState.Connecting => "connecting",
        ConnectionState.Connected => "connected",
        ConnectionState.Disconnected => "disconnected",
        ConnectionState.Suspended => "suspended",
        ConnectionState.Closing => "closing",
        ConnectionState.Closed => "closed",
        ConnectionState.Failed => "failed",
        _ => "other",
    };

    public async ValueTask DisposeAsync()
    {
        await _watch.DisposeAsync().ConfigureAwait(false);
        await _reading.ConfigureAwait(false);
        lock (_gate)
        {
            // A disposed client holds no connection, whatever its last reported state.
            SetConnected(false);
        }
    }
}
