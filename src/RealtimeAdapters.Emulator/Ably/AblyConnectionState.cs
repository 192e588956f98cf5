namespace RealtimeAdapters.Emulator.Ably;

/// <summary>
/// What outlives one WebSocket: the connection id and key, the credentials and the timers that end a lost connection
/// (its presence members leave after <see cref="AblyEmulatorOptions.PresenceLeaveDelay"/>, its state is forgotten after
/// <see cref="AblyEmulatorOptions.ConnectionStateTtl"/>). A resume attaches a new transport to it.
/// </summary>
internal sealed class AblyConnectionState
{
    private readonly Lock _gate = new();
    private ITimer? _leaveTimer;
    private ITimer? _expiryTimer;
    private TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AblyConnectionState(string connectionId, string connectionKey, AblyAuthContext auth, string? clientId)
    {
        ConnectionId = connectionId;
        ConnectionKey = connectionKey;
        Auth = auth;
        ClientId = clientId;
    }

    public string ConnectionId { get; }

    public string ConnectionKey { get; }

    public AblyAuthContext Auth { get; set; }

    /// <summary>The connection's client id: <see langword="null"/>, a concrete id, or <c>*</c>.</summary>
    public string? ClientId { get; set; }

    public AblyConnection? Transport { get; private set; }

    /// <summary>Completes when the current transport is lost (the leave and expiry timers are running); for tests.</summary>
    public Task TransportLost => _lost.Task;

    public bool IsAttached(string channel) => Transport?.IsAttached(channel) ?? false;

    /// <summary>Makes <paramref name="transport"/> current and cancels the timers of a lost transport.</summary>
    public AblyConnection? Attach(AblyConnection transport)
    {
        lock (_gate)
        {
            var previous = Transport;
            Transport = transport;
            if (_lost.Task.IsCompleted)
            {
                _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _leaveTimer?.Dispose();
            _expiryTimer?.Dispose();
            _leaveTimer = null;
            _expiryTimer = null;
            return previous;
        }
    }

    /// <summary>The transport ended without CLOSE: start the leave and expiry timers.</summary>
    public void Lost(AblyConnection transport, AblyServer server)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(Transport, transport))
            {
                return;
            }

            Transport = null;
            _leaveTimer = server.Time.CreateTimer(
                _ => server.Hub.RemoveConnectionPresence(ConnectionId), null, server.Options.PresenceLeaveDelay, Timeout.InfiniteTimeSpan);
            _expiryTimer = server.Time.CreateTimer(
                _ =>
                {
                    server.Connections.TryRemove(ConnectionKey, out var _);
                    server.Hub.RemoveConnectionPresence(ConnectionId);
                },
                null,
                server.Options.ConnectionStateTtl,
                Timeout.InfiniteTimeSpan);
            _lost.TrySetResult();
        }
    }

    /// <summary>Closed by the client: forget the state now and remove its presence members.</summary>
    public void Closed(AblyServer server)
    {
        lock (_gate)
        {
            Transport = null;
            _leaveTimer?.Dispose();
            _expiryTimer?.Dispose();
        }

        server.Connections.TryRemove(ConnectionKey, out _);
        server.Hub.RemoveConnectionPresence(ConnectionId);
    }
}
