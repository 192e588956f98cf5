using System.Globalization;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Realtime;

/// <summary>
/// The Ably connection state machine (RTN): connects, resumes with the connection key after a lost transport (at once the
/// first time, then with RTB1 backoff and jitter), becomes suspended after connectionStateTtl without a connection, renews
/// tokens on token errors and server AUTH, and keeps msgSerial bookkeeping: publishes wait in order while connecting or
/// disconnected, unacknowledged ones are resent after a transport change, all fail on suspended, closed or failed.
/// Transport sessions come and go; this object lives as long as the client.
/// </summary>
internal sealed partial class AblyRealtimeConnection : IRealtimeConnection, IAsyncDisposable
{
    private readonly AblyChannelClientOptions _options;
    private readonly IAblyCredentialSource _credentials;
    private readonly Func<string, AblyChannel?> _findChannel;
    private readonly Func<IEnumerable<AblyChannel>> _allChannels;
    private readonly ConnectionStateTracker _state = new();
    private readonly Lock _gate = new();
    private readonly List<Outbound> _inFlight = [];
    private readonly List<Outbound> _queued = [];
    private readonly List<TaskCompletionSource> _waiters = [];
    private readonly Dictionary<string, TaskCompletionSource> _pings = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private AblyTransportSession? _session;
    private AblyTransportSession? _connecting;
    private TaskCompletionSource? _connectedSignal;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private long _msgSerial;
    private string? _connectionKey;
    private string? _recoverKey;
    private bool _resumeAttempted;
    private bool _recoverAttempted;
    private bool _closeRequested;
    private RealtimeException? _endReason;
    private ConnectionDetails? _details;
    private Uri _endpoint;
    private Queue<Uri>? _untried;
    private TaskCompletionSource _updated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The application's HTTP pipeline for the WebSocket upgrade (the same handler as REST), or null for the socket's own.
    private readonly HttpMessageInvoker? _invoker;

    public AblyRealtimeConnection(
        AblyChannelClientOptions options,
        IAblyCredentialSource credentials,
        Func<string, AblyChannel?> findChannel,
        Func<IEnumerable<AblyChannel>> allChannels,
        HttpMessageInvoker? invoker = null)
    {
        _options = options;
        _invoker = invoker;
        _credentials = credentials;
        _findChannel = findChannel;
        _allChannels = allChannels;
        Format = options.UseBinaryProtocol ? WireFormat.MsgPack : WireFormat.Json;
        _endpoint = options.Endpoint!;
        if (options.RecoveryKey is { } text && AblyRecoveryKey.TryParse(text, out _) is { } recovery)
        {
            _recoverKey = recovery.ConnectionKey;
            _msgSerial = recovery.MsgSerial;
        }
    }

    /// <summary>The protocol version this client speaks (<c>v</c>, <c>X-Ably-Version</c>).</summary>
    public const string ProtocolVersion = "6";

    /// <summary>The <c>Ably-Agent</c> / <c>agent</c> value: this library and the runtime (RSC7d).</summary>
    public static readonly string Agent =
        "realtime-adapters/" + (typeof(AblyRealtimeConnection).Assembly.GetName().Version?.ToString(3) ?? "0.0.0") +
        " dotnet/" + Environment.Version.ToString(3);

    public WireFormat Format { get; }

    /// <summary>The id of the current (or last) connection.</summary>
    public string? ConnectionId { get; private set; }

    /// <summary>The server's limit from CONNECTED (65536 until then).</summary>
    public long MaxMessageSize { get; private set; } = 65536;

    /// <summary>Whether a CONNECTED has told this connection its account's message size limit (until then it is assumed 65536).</summary>
    public bool KnowsMaxMessageSize => _details?.MaxMessageSize is > 0;

    /// <summary>The site code of the current connection (CD2j), which LiveObjects operations applied on their ACK carry.</summary>
    public string? SiteCode => _details?.SiteCode;

    /// <summary>How long LiveObjects tombstones are kept (CD2i <c>objectsGCGracePeriod</c>), or null before CONNECTED says.</summary>
    public TimeSpan? ObjectsGCGracePeriod => _details?.ObjectsGCGracePeriod is > 0 and { } ms ? TimeSpan.FromMilliseconds(ms) : null;

    public ConnectionState State => _state.State;

    public ConnectionStateChange? LastChange => _state.LastChange;

    public TimeProvider Time => _options.TimeProvider;

    public TimeSpan RequestTimeout => _options.RealtimeRequestTimeout;

    /// <summary>The connection key and next msgSerial for a recovery key, or null before the first connection.</summary>
    public (string ConnectionKey, long MsgSerial)? GetRecoveryState()
    {
        lock (_gate)
        {
            return _connectionKey is { } key && _state.State is not (ConnectionState.Closing or ConnectionState.Closed or ConnectionState.Failed)
                ? (key, _msgSerial)
                : null;
        }
    }

    /// <summary>How many publishes wait for an ACK or for the connection (for tests and diagnostics).</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count + _queued.Count;
            }
        }
    }

    /// <summary>Completes at the next in-place update of the live connection (the CONNECTED that answers an AUTH, RTN24).</summary>
    public Task NextUpdateAsync()
    {
        lock (_gate)
        {
            return _updated.Task;
        }
    }

    public IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null) => _state.Watch(buffer);

    /// <summary>
    /// Connects (or retries now when disconnected or suspended); completes when connected, fails when this attempt ends in
    /// disconnected, suspended, closed or failed.
    /// </summary>
    public ValueTask ConnectAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            switch (_state.State)
            {
                case ConnectionState.Connected when _session is not null:
                    return ValueTask.CompletedTask;
                case ConnectionState.Closing or ConnectionState.Closed or ConnectionState.Failed:
                    return ValueTask.FromException(EndedError());
                case ConnectionState.Disconnected or ConnectionState.Suspended:
                    // An explicit request retries now instead of waiting for the backoff.
                    _wake.TrySetResult();
                    break;
            }

            _waiters.Add(done);
            StartLoop();
        }

        return new(done.Task.WaitAsync(cancellationToken));
    }

    /// <summary>Starts connecting if nothing has started yet (operations connect implicitly).</summary>
    public void EnsureStarted()
    {
        lock (_gate)
        {
            StartLoop();
        }
    }

    private void StartLoop()
    {
        if (_loop is null && !_closeRequested)
        {
            _loop = Task.Run(RunAsync);
        }
    }

    /// <summary>Why operations cannot proceed in the current (suspended, closing, closed or failed) state.</summary>
    public RealtimeException StateError()
    {
        lock (_gate)
        {
            return _state.State == ConnectionState.Suspended ? Suspended(_state.LastChange?.Reason) : EndedError();
        }
    }

    private RealtimeException EndedError() =>
        _endReason ?? new RealtimeConnectionException($"The Ably connection is {_state.State}.")
        {
            ErrorCode = AblyErrorCodes.ConnectionClosed.ToString(CultureInfo.InvariantCulture),
            ProviderName = AblyChannelClient.Name,
        };

    /// <summary>
    /// Sends a MESSAGE or PRESENCE that takes the next msgSerial; completes on its ACK, fails on its NACK. While
    /// connecting or disconnected it waits in order (when <see cref="AblyChannelClientOptions.QueueMessages"/>).
    /// </summary>
    public Task SendAckedAsync(ProtocolMessage message, CancellationToken cancellationToken) => SendForResultAsync(message, cancellationToken);

    /// <summary>As <see cref="SendAckedAsync"/>, completing with the ACK's result for the message (its serials).</summary>
    public Task<PublishResult?> SendForResultAsync(ProtocolMessage message, CancellationToken cancellationToken)
    {
        var item = new Outbound(message);
        lock (_gate)
        {
            var state = _state.State;
            if (state == ConnectionState.Connected && _session is { } session)
            {
                message.MsgSerial = _msgSerial++;
                _inFlight.Add(item);

                // If the session has just ended the message stays in flight and is resent on the next transport.
                session.TrySend(message);
            }
            else if (state is ConnectionState.Initialized or ConnectionState.Connecting or ConnectionState.Disconnected or ConnectionState.Connected)
            {
                if (!_options.QueueMessages)
                {
                    StartLoop();
                    return Task.FromException<PublishResult?>(new RealtimeConnectionException($"The Ably connection is {state} and QueueMessages is off.")
                    {
                        ErrorCode = AblyErrorCodes.ConnectionDisconnected.ToString(CultureInfo.InvariantCulture),
                        ProviderName = AblyChannelClient.Name,
                        IsRetryable = true,
                    });
                }

                _queued.Add(item);
                StartLoop();
            }
            else
            {
                return Task.FromException<PublishResult?>(state == ConnectionState.Suspended
                    ? Suspended(_state.LastChange?.Reason)
                    : EndedError());
            }
        }

        return item.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Sends a frame now if connected (ATTACH, DETACH, HEARTBEAT); returns the session used, or null when not connected.</summary>
    public AblyTransportSession? TrySendNow(ProtocolMessage message)
    {
        lock (_gate)
        {
            if (_state.State == ConnectionState.Connected && _session is { } session && session.TrySend(message))
            {
                return session;
            }

            return null;
        }
    }

    /// <summary>
    /// A HEARTBEAT round trip: when it returns, frames the server queued for this connection before answering have
    /// arrived, so a read that follows sees changes other connections already had acknowledged.
    /// </summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _pings[id] = done;
        }

        try
        {
            if (TrySendNow(new ProtocolMessage { Action = ProtocolAction.Heartbeat, Id = id }) is null)
            {
                throw new RealtimeConnectionException($"The Ably connection is {State}.") { ProviderName = AblyChannelClient.Name, IsRetryable = true };
            }

            await done.Task.WaitAsync(_options.RealtimeRequestTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new RealtimeConnectionException("Ably did not answer a heartbeat in time.", ex) { ProviderName = AblyChannelClient.Name, IsRetryable = true };
        }
        finally
        {
            lock (_gate)
            {
                _pings.Remove(id);
            }
        }
    }

    public async ValueTask CloseAsync(CancellationToken cancellationToken = default)
    {
        AblyTransportSession? session;
        Task? loop;
        lock (_gate)
        {
            if (_closeRequested)
            {
                loop = _loop;
                session = null;
            }
            else
            {
                _closeRequested = true;
                loop = _loop;
                session = _session;
                if (_state.State is ConnectionState.Closed or ConnectionState.Failed)
                {
                    return;
                }

                _state.TryTransition(loop is null ? ConnectionState.Closed : ConnectionState.Closing);
                ResolveWaiters(ConnectionState.Closing, EndedError());
                _wake.TrySetResult();
            }
        }

        if (session is not null)
        {
            // RTN12: CLOSE, then CLOSED (or the request timeout); the connection is closed locally either way.
            session.TrySend(new ProtocolMessage { Action = ProtocolAction.Close });
            try
            {
                await session.Completion.WaitAsync(_options.RealtimeRequestTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _connecting?.EndClosed();
            _session?.EndClosed();
        }

        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (loop is null)
        {
            Finish(ConnectionState.Closed, null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private sealed class Outbound(ProtocolMessage message)
    {
        public ProtocolMessage Message { get; } = message;

        public TaskCompletionSource<PublishResult?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
