using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>
/// What outlives one WebSocket: the connection id and key, the credentials and the timers that end a lost connection
/// (its presence members leave after <see cref="AblyEmulatorOptions.PresenceLeaveDelay"/>, its state is forgotten after
/// <see cref="AblyEmulatorOptions.ConnectionStateTtl"/>). A resume attaches a new transport to it.
/// </summary>
internal sealed class AblyConnectionState
{
    /// <summary>How many ACK/NACK results are kept for resent frames (RTN19a); older serials are ACKed without results.</summary>
    internal const int RememberedResults = 1024;

    private readonly Lock _gate = new();
    private readonly Lock _publishGate = new();
    private readonly Dictionary<long, ProtocolMessage> _results = [];
    private readonly Queue<long> _resultOrder = new();
    private long _lastMsgSerial = -1;
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

    /// <summary>The connection's inbound message rate (kept across resumes), or <see langword="null"/> when it has no limit.</summary>
    public Hosting.TokenBucket? InboundRate { get; init; }

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

    /// <summary>
    /// Runs <paramref name="publish"/> for a MESSAGE or PRESENCE frame unless its <paramref name="msgSerial"/> was already
    /// processed on this connection: a client resends unacknowledged frames with their serials after a resume (RTN19a),
    /// and those get the first answer again rather than a second publish. Frames of one connection are serialised here,
    /// so an old transport still finishing a frame cannot race its replacement.
    /// </summary>
    /// <returns>The ACK or NACK to send; <paramref name="duplicate"/> says whether it is a repeated one.</returns>
    public ProtocolMessage PublishOnce(long? msgSerial, Func<ProtocolMessage> publish, out bool duplicate)
    {
        lock (_publishGate)
        {
            if (msgSerial is { } seen && seen <= _lastMsgSerial)
            {
                duplicate = true;
                return _results.TryGetValue(seen, out var earlier)
                    ? earlier
                    : new ProtocolMessage { Action = ProtocolAction.Ack, MsgSerial = seen, Count = 1, Res = [new PublishResult { Serials = [] }] };
            }

            duplicate = false;
            var result = publish();
            if (msgSerial is { } serial)
            {
                _lastMsgSerial = serial;
                _results[serial] = result;
                _resultOrder.Enqueue(serial);
                while (_resultOrder.Count > RememberedResults)
                {
                    _results.Remove(_resultOrder.Dequeue());
                }
            }

            return result;
        }
    }

    /// <summary>
    /// A recover (a new client instance) starts its own publish bookkeeping: it has no frames of the old instance to
    /// resend, and whatever msgSerial it restored from the recovery key (RTN16f) is taken as new.
    /// </summary>
    public void ResetPublishTracking()
    {
        lock (_publishGate)
        {
            _lastMsgSerial = -1;
            _results.Clear();
            _resultOrder.Clear();
        }
    }

    /// <summary>
    /// Forgets the connection now, as if <see cref="AblyEmulatorOptions.ConnectionStateTtl"/> had passed: a later resume
    /// fails and its presence members leave. A live transport keeps running.
    /// </summary>
    public void Forget(AblyServer server)
    {
        lock (_gate)
        {
            _leaveTimer?.Dispose();
            _expiryTimer?.Dispose();
            _leaveTimer = null;
            _expiryTimer = null;
        }

        server.Connections.TryRemove(new KeyValuePair<string, AblyConnectionState>(ConnectionKey, this));
        server.Hub.RemoveConnectionPresence(ConnectionId);
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
