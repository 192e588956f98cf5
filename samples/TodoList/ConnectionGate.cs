using RealtimeAdapters;

namespace TodoList;

/// <summary>
/// Stands for the network between one user and the backend, so the sample can take a user offline on any backend: while
/// closed, the user's publishes fail as they would without a connection, and messages for the user are held back (delivered,
/// in order, when it opens), as a connection that comes back delivers what it missed.
/// </summary>
public sealed class ConnectionGate
{
    private readonly Lock _lock = new();
    private readonly List<Action> _opened = [];
    private bool _open = true;

    /// <summary>Whether the user is online.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_lock)
            {
                return _open;
            }
        }
    }

    /// <summary>Takes the user offline.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _open = false;
        }
    }

    /// <summary>Brings the user back online: what was held back is delivered.</summary>
    public void Open()
    {
        Action[] waiting;
        lock (_lock)
        {
            _open = true;
            waiting = [.. _opened];
        }

        foreach (var release in waiting)
        {
            release();
        }
    }

    /// <summary>A channel client whose traffic passes through this gate.</summary>
    /// <param name="client">The user's own client.</param>
    public IChannelClient Wrap(IChannelClient client) => new GatedClient(this, client);

    private void OnOpened(Action release)
    {
        lock (_lock)
        {
            _opened.Add(release);
        }
    }

    private sealed class GatedClient(ConnectionGate gate, IChannelClient inner) : DelegatingChannelClient(inner)
    {
        public override IChannel GetChannel(string name) => new GatedChannel(gate, base.GetChannel(name));
    }

    private sealed class GatedChannel(ConnectionGate gate, IChannel inner) : IChannel
    {
        public string Name => inner.Name;

        public IChannelPresence Presence => inner.Presence;

        public ValueTask PublishAsync(IReadOnlyList<ChannelMessage> messages, CancellationToken cancellationToken = default) =>
            gate.IsOpen ? inner.PublishAsync(messages, cancellationToken) : throw new RealtimeConnectionException("The user is offline.") { IsRetryable = true };

        public async ValueTask<IRealtimeSubscription<ChannelMessage>> SubscribeAsync(ChannelSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
        {
            var source = await inner.SubscribeAsync(options, cancellationToken).ConfigureAwait(false);
            var held = new Queue<ChannelMessage>();
            var lockObj = new Lock();
            RealtimeSubscription<ChannelMessage>? target = null;
            target = new RealtimeSubscription<ChannelMessage>(options?.Buffer, () => source.DisposeAsync());
            void Release()
            {
                lock (lockObj)
                {
                    while (held.Count > 0)
                    {
                        target.TryWrite(held.Dequeue());
                    }
                }
            }

            gate.OnOpened(Release);
            _ = Task.Run(async () =>
            {
                try
                {
                    await foreach (var message in ((IAsyncEnumerable<ChannelMessage>)source).ConfigureAwait(false))
                    {
                        lock (lockObj)
                        {
                            if (gate.IsOpen && held.Count == 0)
                            {
                                target.TryWrite(message);
                            }
                            else
                            {
                                held.Enqueue(message);
                            }
                        }
                    }

                    target.Complete();
                }
                catch (Exception ex) when (ex is RealtimeException or OperationCanceledException or ObjectDisposedException)
                {
                    target.Complete(ex as RealtimeException);
                }
            }, CancellationToken.None);
            return target;
        }

        public ValueTask<HistoryPage<ChannelMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default) =>
            gate.IsOpen ? inner.GetHistoryAsync(query, cancellationToken) : throw new RealtimeConnectionException("The user is offline.") { IsRetryable = true };
    }
}
