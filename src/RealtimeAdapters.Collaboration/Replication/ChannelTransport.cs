using System.Security.Cryptography;
using System.Text;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// Replication over a channel: each edit is one message named <c>crdt.op</c> (its JSON as a string payload, its id derived
/// from the edit so that a re-send after a restart is not delivered twice); a replica that has seen
/// <see cref="ChannelReplicationOptions.SnapshotEvery"/> edits since the last snapshot publishes <c>crdt.snapshot</c>. A
/// late joiner subscribes, then reads history backwards to the newest snapshot (and an overlap before it).
/// </summary>
internal sealed class ChannelTransport(IChannelClient client, string channelName, ChannelReplicationOptions options) : ReplicationTransport
{
    internal const string OperationEvent = "crdt.op";
    internal const string SnapshotEvent = "crdt.snapshot";

    private readonly IChannel _channel = client.GetChannel(channelName);
    private readonly CancellationTokenSource _stop = new();
    private IRealtimeSubscription<ChannelMessage>? _subscription;
    private Task? _receiving;
    private IReplicationSink? _sink;
    private int _stopped;
    private int _sinceSnapshot;

    internal override bool KnowsClientId => true;

    internal override string? ClientId => client.ClientId;

    internal override async ValueTask StartAsync(IReplicationSink sink, CancellationToken cancellationToken)
    {
        _sink = sink;
        _subscription = await _channel.SubscribeAsync(new ChannelSubscriptionOptions { EventNames = [OperationEvent, SnapshotEvent] }, cancellationToken).ConfigureAwait(false);
        if (client.Metadata.Supports(RealtimeCapabilities.History))
        {
            await CatchUpAsync(cancellationToken).ConfigureAwait(false);
        }

        _receiving = Task.Run(() => ReceiveAsync(_subscription, _stop.Token), CancellationToken.None);
    }

    internal override async ValueTask SendAsync(IReadOnlyList<CrdtOperation> operations, CancellationToken cancellationToken)
    {
        foreach (var chunk in operations.Chunk(options.MaxBatchMessages))
        {
            var messages = chunk.Select(static op => new ChannelMessage(OperationEvent, op.ToJson()) { Id = MessageId(op) }).ToList();
            await _channel.PublishAsync(messages, cancellationToken).ConfigureAwait(false);
        }

        // Own edits count too: a provider with echo suppression never delivers them back.
        await CountAsync(operations.Count, cancellationToken).ConfigureAwait(false);
    }

    internal override async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
        }

        if (_receiving is not null)
        {
            await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    /// <summary>The message id of an edit: the same for every publish of it.</summary>
    internal static string MessageId(CrdtOperation op) =>
        "crdt-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(op.Id.ToString())).AsSpan(0, 12));

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        // Newest first: everything back to the newest snapshot, then the overlap before it.
        var collected = new List<ChannelMessage>();
        DateTimeOffset? cutoff = null;
        var page = await _channel.GetHistoryAsync(new HistoryQuery { Direction = HistoryDirection.Backwards, Limit = HistoryQuery.MaxLimit }, cancellationToken).ConfigureAwait(false);
        await foreach (var message in page.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (cutoff is { } c && message.Timestamp is { } t && t < c)
            {
                break;
            }

            if (message.Name is not (OperationEvent or SnapshotEvent))
            {
                continue;
            }

            collected.Add(message);
            if (cutoff is null && message.Name == SnapshotEvent)
            {
                cutoff = (message.Timestamp ?? DateTimeOffset.MinValue + options.SnapshotOverlap) - options.SnapshotOverlap;
            }
        }

        for (var i = collected.Count - 1; i >= 0; i--)
        {
            await HandleAsync(collected[i], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReceiveAsync(IRealtimeSubscription<ChannelMessage> subscription, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in subscription.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await HandleAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is RealtimeException or InvalidOperationException or ObjectDisposedException)
        {
            _sink!.OnError(ex);
        }
    }

    private async Task HandleAsync(ChannelMessage message, CancellationToken cancellationToken)
    {
        var sink = _sink!;
        if (message.Data.Kind != MessageDataKind.String)
        {
            sink.OnError(new OperationRejectedException(RejectionReason.Malformed, $"Rejected message {message.Id} on channel \"{channelName}\": a {message.Name} carries a JSON string, not a {message.Data.Kind} payload.", "data"));
            return;
        }

        if (message.Name == SnapshotEvent)
        {
            sink.OnSnapshot(message.Data.AsString());
            Interlocked.Exchange(ref _sinceSnapshot, 0);
            return;
        }

        // The backend stamps the sender's client id (null for an anonymous sender): the edit must name that author.
        sink.OnOperation(message.Data.AsString(), senderKnown: true, message.ClientId);
        if (!string.Equals(message.ClientId, client.ClientId, StringComparison.Ordinal))
        {
            await CountAsync(1, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CountAsync(int edits, CancellationToken cancellationToken)
    {
        if (options.SnapshotEvery == 0 || Interlocked.Add(ref _sinceSnapshot, edits) < options.SnapshotEvery)
        {
            return;
        }

        Interlocked.Exchange(ref _sinceSnapshot, 0);
        var sink = _sink!;
        var snapshot = sink.ExportSnapshot();
        if (Encoding.UTF8.GetByteCount(snapshot) > options.MaxSnapshotBytes)
        {
            return;
        }

        try
        {
            await _channel.PublishAsync(SnapshotEvent, snapshot, cancellationToken).ConfigureAwait(false);
        }
        catch (RealtimeException ex)
        {
            sink.OnError(ex);
        }
    }
}
