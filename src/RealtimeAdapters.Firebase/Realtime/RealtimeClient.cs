using System.Threading.Channels;

namespace RealtimeAdapters.Firebase.Realtime;

/// <summary>
/// The store's one realtime socket (<c>/.ws?v=5</c>, the protocol the official SDKs speak), multiplexing every listen and
/// request. Connects on first use; after the handshake it authenticates, sends every listen with the hash of its cache,
/// then the requests not yet answered, in issue order. Pushes are routed to the listens they concern; answers complete
/// their requests. A lost socket is reconnected with backoff and jitter; requests that cannot be repeated safely fail.
/// </summary>
#pragma warning disable CA1001 // The lifetime source is cancelled, never disposed: the loops may still observe its token.
internal sealed partial class RealtimeClient
#pragma warning restore CA1001
{

    // The SDKs' keepalive: a bare "0" after this long without sending anything.
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(45);

    // The largest message taken from the database (a value may be up to 256 MB in the service's own limits).
    private const long MaxIncomingMessageBytes = 256L * 1024 * 1024;

    private readonly FirebaseRealtimeStore _store;
    private readonly FirebaseStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly RealtimeCredentials _credentials;
    private readonly Lock _gate = new();
    // The requests not answered yet, in issue order (a linked list: answers take them out from the front, one by one, in
    // constant time however many are in flight).
    private readonly LinkedList<RealtimeRequest> _queue = [];
    private readonly Dictionary<long, RealtimeRequest> _sent = [];
    private readonly List<RealtimeWatch> _listens = [];

    // A copy of _listens for the receive loop, replaced (under the gate) whenever the list changes: a push is routed
    // without taking the gate or allocating.
    private RealtimeWatch[] _listenSnapshot = [];
    private readonly Dictionary<long, RealtimeWatch> _listensByNumber = [];
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Channel<byte[]>? _outbound;
    private long _nextNumber;
    private long _nextTag;
    private string? _session;
    private int _started;
    private long _serverOffsetMs;

    // The request number of the credential sent on the current socket (0: none awaited).
    private long _authNumber;

    // The database sent a shutdown: this client is not taken back.
    private bool _shutDown;

    // Replaces an ID token on the open socket before it expires.
    private ITimer? _refresh;

    public RealtimeClient(FirebaseRealtimeStore store)
    {
        _store = store;
        _options = store.Options;
        _time = store.Time;
        _credentials = new RealtimeCredentials(store.Options);
    }

    /// <summary>The server's clock minus the local one, from the last handshake (Firebase's <c>.info/serverTimeOffset</c>).</summary>
    public TimeSpan ServerTimeOffset => TimeSpan.FromMilliseconds(Interlocked.Read(ref _serverOffsetMs));

    public long NextTag() => Interlocked.Increment(ref _nextTag);

    /// <summary>Starts the connection loop if it is not running yet.</summary>
    public void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(() => RunAsync(_lifetime.Token));
        }
    }

    /// <summary>Waits until the socket is connected (starting it if needed).</summary>
    public async Task WaitConnectedAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        Task connected;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);
            connected = _connected.Task;
        }

        await connected.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a request (when connected; queued until then) and returns its answer. A request that is not sent within
    /// <see cref="FirebaseStoreOptions.RequestTimeout"/> fails, except a write when writes are queued while offline.
    /// </summary>
    public Task<RealtimeResponse> SendAsync(RealtimeRequest request, CancellationToken cancellationToken)
    {
        // A request cancelled before it is issued is never sent (once sent, it cannot be taken back).
        cancellationToken.ThrowIfCancellationRequested();
        EnsureStarted();
        bool sent;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);
            request.QueueNode = _queue.AddLast(request);
            sent = _outbound is { } outbound;
            if (sent)
            {
                Send(_outbound!, request);
            }
        }

        // The timeout only fails a request still unsent (see Expire): one sent at once needs no timer, and with nothing to
        // cancel either, its answer is all there is to wait for. Once sent, a request is answered or failed when the socket
        // is lost.
        return sent && !cancellationToken.CanBeCanceled ? request.Answer : WaitAnswerAsync(request, sent, cancellationToken);
    }

    private async Task<RealtimeResponse> WaitAnswerAsync(RealtimeRequest request, bool sent, CancellationToken cancellationToken)
    {
        var waitsOffline = request.Kind == RealtimeRequestKind.Write && _options.QueueWritesWhileOffline;
        using var timeout = waitsOffline || sent ? null : new CancellationTokenSource(_options.RequestTimeout, _time);
        using var expire = timeout?.Token.Register(static state =>
        {
            var (client, r) = ((RealtimeClient, RealtimeRequest))state!;
            client.Expire(r);
        }, (this, request));
        try
        {
            return await request.Answer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                // Not sent yet: it never will be. Sent: the answer is simply not waited for.
                if (request.Number == 0)
                {
                    Dequeue(request);
                }
            }

            throw;
        }
    }

    public void Listen(RealtimeWatch watch)
    {
        EnsureStarted();
        lock (_gate)
        {
            if (_lifetime.IsCancellationRequested)
            {
                return;
            }

            _listens.Add(watch);
            _listenSnapshot = [.. _listens];
            if (_outbound is { } outbound)
            {
                SendListen(outbound, watch);
            }
        }
    }

    public void Unlisten(RealtimeWatch watch)
    {
        lock (_gate)
        {
            if (!_listens.Remove(watch))
            {
                return;
            }

            _listenSnapshot = [.. _listens];
            if (_outbound is not { } outbound)
            {
                return;
            }

            // The answer is not waited for: the listen is gone on this side whatever the server says.
            outbound.Writer.TryWrite(RealtimeWire.Envelope(++_nextNumber, "n", RealtimeWire.ListenBody(watch, hash: null)));
        }
    }

    /// <summary>Closes the socket (the server then runs this connection's on-disconnect writes) and fails what is pending.</summary>
    public async ValueTask DisposeAsync()
    {
        List<RealtimeRequest> pending;
        lock (_gate)
        {
            if (_lifetime.IsCancellationRequested)
            {
                return;
            }

            _lifetime.Cancel();
            _refresh?.Dispose();
            pending = [.. _queue];
            _queue.Clear();
            _listens.Clear();
            _listenSnapshot = [];
            _outbound?.Writer.TryComplete();
        }

        foreach (var request in pending)
        {
            request.Fail(new ObjectDisposedException(nameof(FirebaseRealtimeStore), "The Firebase store was closed before the request was answered."));
        }

        if (Volatile.Read(ref _started) != 0)
        {
            // Wait (briefly) for the socket's close handshake, so the server learns of it now rather than at a timeout.
            await _stopped.Task.WaitAsync(TimeSpan.FromSeconds(5), _time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void Expire(RealtimeRequest request)
    {
        lock (_gate)
        {
            if (request.Number != 0 || !Dequeue(request))
            {
                return;
            }
        }

        request.Fail(new RealtimeConnectionException(
            $"The Firebase {request.What} at {request.Path} was not sent: no connection to the database within {_options.RequestTimeout}.")
        {
            ProviderName = FirebaseRealtimeStore.Name,
            IsRetryable = true,
        });
    }

    /// <summary>The database will not take this client back: every listen and request ends with <paramref name="reason"/>.</summary>
    private void Abandon(RealtimeException reason)
    {
        List<RealtimeRequest> requests;
        List<RealtimeWatch> listens;
        lock (_gate)
        {
            _lifetime.Cancel();
            requests = [.. _queue];
            listens = [.. _listens];
            _queue.Clear();
            _listens.Clear();
            _listenSnapshot = [];
        }

        foreach (var request in requests)
        {
            request.Fail(reason);
        }

        foreach (var listen in listens)
        {
            listen.End(reason);
        }

        _store.ConnectionState.Report(this, ConnectionState.Failed, reason);
    }

    /// <summary>Takes a request out of the queue; false when it was not in it. Called under the gate.</summary>
    private bool Dequeue(RealtimeRequest request)
    {
        var node = request.QueueNode;
        request.QueueNode = null;

        // A node the queue no longer holds (it was cleared at the end) is not removed twice.
        if (node?.List is null)
        {
            return false;
        }

        _queue.Remove(node);
        return true;
    }

    private void Send(Channel<byte[]> outbound, RealtimeRequest request)
    {
        var number = ++_nextNumber;
        request.Number = number;
        _sent[number] = request;
        outbound.Writer.TryWrite(RealtimeWire.Envelope(number, request.Action, request.Body));
    }

    private void SendListen(Channel<byte[]> outbound, RealtimeWatch watch)
    {
        var number = ++_nextNumber;
        _listensByNumber[number] = watch;
        outbound.Writer.TryWrite(RealtimeWire.Envelope(number, "q", RealtimeWire.ListenBody(watch, watch.BeginListen())));
    }
}
