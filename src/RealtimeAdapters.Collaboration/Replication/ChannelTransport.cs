using System.Security.Cryptography;
using System.Text;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// Replication over a channel: each edit is one message named <c>crdt.op</c> (its JSON as a string payload, its id derived
/// from the edit so that a re-send after a restart is not delivered twice); a replica that has seen
/// <see cref="ChannelReplicationOptions.SnapshotEvery"/> edits since the last snapshot publishes its state, as one
/// <c>crdt.snapshot</c> message when it fits in <see cref="ChannelReplicationOptions.MaxSnapshotBytes"/>, else as
/// <c>crdt.snapshot.part</c> messages (<c>&lt;snapshot id&gt;:&lt;index&gt;:&lt;count&gt;:&lt;text&gt;</c>) that a receiver
/// assembles, parts of one sender only. A late joiner subscribes, then reads history backwards to the newest snapshot it
/// trusts (<see cref="ChannelReplicationOptions.SnapshotPublishers"/>) and on to the last edit that snapshot covers.
/// </summary>
/// <remarks>
/// A snapshot names the last edit message its publisher had received (<c>"c"</c>, first in the snapshot's JSON; earlier
/// versions ignore it): the channel delivers in order, so the snapshot holds every edit up to that one, and a late joiner
/// applies every edit after it, however long it was in flight, and every edit of
/// <see cref="ChannelReplicationOptions.SnapshotOverlap"/> before the snapshot in any case (all a snapshot without it,
/// from an earlier version or from a publisher that had received no edit, relies on).
/// </remarks>
internal sealed class ChannelTransport(IChannelClient client, string channelName, ChannelReplicationOptions options) : ReplicationTransport
{
    internal const string OperationEvent = "crdt.op";
    internal const string SnapshotEvent = "crdt.snapshot";
    internal const string SnapshotPartEvent = "crdt.snapshot.part";

    // A receiver assembles at most this many snapshots at once (the oldest unfinished one is dropped).
    private const int MaxAssemblies = 4;
    private const int MaxParts = 4096;
    private const string CoveragePrefix = "{\"c\":\"";
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    private readonly IChannel _channel = client.GetChannel(channelName);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<SnapshotAssembly> _assemblies = [];
    private IRealtimeSubscription<ChannelMessage>? _subscription;
    private Task? _receiving;
    private IReplicationSink? _sink;
    private int _stopped;
    private int _sinceSnapshot;
    private volatile string? _lastEdit;

    internal override bool KnowsClientId => true;

    internal override string? ClientId => client.ClientId;

    internal override async ValueTask StartAsync(IReplicationSink sink, CancellationToken cancellationToken)
    {
        _sink = sink;
        _subscription = await _channel.SubscribeAsync(new ChannelSubscriptionOptions { EventNames = [OperationEvent, SnapshotEvent, SnapshotPartEvent] }, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The snapshot's text with the last edit message it covers named first (<c>{"c":"&lt;id&gt;",...</c>).</summary>
    internal static string WithCoverage(string snapshot, string? lastEdit) =>
        lastEdit is null ? snapshot : string.Concat(CoveragePrefix, lastEdit, "\",", snapshot.AsSpan(1));

    /// <summary>The last edit message a snapshot covers, when it names one this library writes.</summary>
    internal static string? CoverageOf(string snapshot)
    {
        const int IdLength = 29; // "crdt-" and 24 hex digits
        if (!snapshot.StartsWith(CoveragePrefix, StringComparison.Ordinal) || snapshot.Length < CoveragePrefix.Length + IdLength + 1 ||
            snapshot[CoveragePrefix.Length + IdLength] != '"')
        {
            return null;
        }

        var id = snapshot.Substring(CoveragePrefix.Length, IdLength);
        return id.StartsWith("crdt-", StringComparison.Ordinal) && !id.AsSpan(5).ContainsAnyExcept(HexDigits) ? id : null;
    }

    /// <summary>The messages a snapshot is published in: one, or parts of at most <paramref name="maxBytes"/> UTF-8 bytes.</summary>
    internal static List<ChannelMessage> SnapshotMessages(string snapshot, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(snapshot) <= maxBytes)
        {
            return [new ChannelMessage(SnapshotEvent, snapshot)];
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        // The header "<id>:<index>:<count>:" takes at most 16 + 3 + 2 × 4 bytes.
        var budget = maxBytes - 27;
        var pieces = new List<string>();
        var start = 0;
        while (start < snapshot.Length)
        {
            var end = start;
            var bytes = 0;
            while (end < snapshot.Length)
            {
                var width = char.IsHighSurrogate(snapshot[end]) && end + 1 < snapshot.Length ? 2 : 1;
                var size = Encoding.UTF8.GetByteCount(snapshot.AsSpan(end, width));
                if (bytes + size > budget)
                {
                    break;
                }

                bytes += size;
                end += width;
            }

            pieces.Add(snapshot[start..end]);
            start = end;
        }

        if (pieces.Count > MaxParts)
        {
            throw new CollaborationException($"The snapshot is too large to publish: {pieces.Count} parts of {maxBytes} bytes, the most is {MaxParts}.");
        }

        return [.. pieces.Select((piece, i) => new ChannelMessage(SnapshotPartEvent, FormattableString.Invariant($"{id}:{i}:{pieces.Count}:{piece}")))];
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        // Newest first: the edits back to the newest trusted snapshot, then those back to the last edit it covers.
        var edits = new List<ChannelMessage>();
        (string Text, string? Covers, DateTimeOffset? At)? found = null;
        var coveredReached = false;
        var page = await _channel.GetHistoryAsync(new HistoryQuery { Direction = HistoryDirection.Backwards, Limit = HistoryQuery.MaxLimit }, cancellationToken).ConfigureAwait(false);
        await foreach (var message in page.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (found is { } f)
            {
                // Back to the last edit the snapshot covers, and at least SnapshotOverlap before it in any case: a
                // publisher whose subscription received edits out of order after a reconnect may name too late an edit.
                coveredReached |= f.Covers is { } covered && message.Name == OperationEvent && message.Id == covered;
                var pastOverlap = f.At is { } at && message.Timestamp is { } t && t < at - options.SnapshotOverlap;
                if (f.Covers is null ? pastOverlap : coveredReached && (pastOverlap || f.At is null || message.Timestamp is null))
                {
                    break;
                }

                if (message.Name == OperationEvent)
                {
                    edits.Add(message);
                }

                continue;
            }

            switch (message.Name)
            {
                case OperationEvent:
                    edits.Add(message);
                    break;
                case SnapshotEvent or SnapshotPartEvent:
                    if (Assemble(message) is { } text)
                    {
                        found = (text, CoverageOf(text), message.Timestamp);
                    }

                    break;
            }
        }

        if (found is { } snapshot)
        {
            _lastEdit = snapshot.Covers;
            _sink!.OnSnapshot(snapshot.Text);
        }

        _assemblies.Clear();
        for (var i = edits.Count - 1; i >= 0; i--)
        {
            await HandleAsync(edits[i], cancellationToken).ConfigureAwait(false);
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
        if (message.Name is SnapshotEvent or SnapshotPartEvent)
        {
            if (Assemble(message) is { } snapshot)
            {
                sink.OnSnapshot(snapshot);
                Interlocked.Exchange(ref _sinceSnapshot, 0);
            }

            return;
        }

        if (!IsString(message))
        {
            return;
        }

        // The backend stamps the sender's client id (null for an anonymous sender): the edit must name that author. The
        // channel delivers in order, so every edit up to this one has been received.
        sink.OnOperation(message.Data.AsString(), senderKnown: true, message.ClientId);
        if (message.Id is { } id)
        {
            _lastEdit = id;
        }

        if (!string.Equals(message.ClientId, client.ClientId, StringComparison.Ordinal))
        {
            await CountAsync(1, cancellationToken).ConfigureAwait(false);
        }
    }

    // A whole snapshot from a trusted sender, or the last missing part of one; null otherwise (an untrusted or malformed
    // message is reported). Parts of one snapshot come from one sender: a part from anyone else starts another assembly.
    private string? Assemble(ChannelMessage message)
    {
        if (!IsString(message))
        {
            return null;
        }

        if (options.SnapshotPublishers is { } publishers && (message.ClientId is not { } sender || !publishers.Contains(sender)))
        {
            _sink!.OnRejected(new OperationRejectedException(
                RejectionReason.Forged,
                $"Rejected snapshot message {message.Id} on channel \"{channelName}\": its sender \"{message.ClientId ?? "(anonymous)"}\" is not one of the snapshot publishers (ChannelReplicationOptions.SnapshotPublishers).",
                "clientId"));
            return null;
        }

        var data = message.Data.AsString();
        if (message.Name == SnapshotEvent)
        {
            return data;
        }

        var header = data.Split(':', 4);
        if (header.Length != 4 || header[0].Length is 0 or > 32 ||
            !int.TryParse(header[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) ||
            !int.TryParse(header[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) ||
            count is < 1 or > MaxParts || index >= count)
        {
            _sink!.OnRejected(new OperationRejectedException(RejectionReason.Malformed, $"Rejected snapshot part {message.Id} on channel \"{channelName}\": it is not \"<id>:<index>:<count>:<text>\".", "data"));
            return null;
        }

        var assembly = _assemblies.Find(a => a.Id == header[0] && a.Sender == message.ClientId);
        if (assembly is null || assembly.Parts.Length != count)
        {
            if (_assemblies.Count == MaxAssemblies)
            {
                _assemblies.RemoveAt(0);
            }

            assembly = new SnapshotAssembly(header[0], message.ClientId, new string?[count]);
            _assemblies.Add(assembly);
        }

        if (assembly.Parts[index] is null)
        {
            assembly.Parts[index] = header[3];
            assembly.Missing--;
        }

        if (assembly.Missing > 0)
        {
            return null;
        }

        _assemblies.Remove(assembly);
        return string.Concat(assembly.Parts);
    }

    private bool IsString(ChannelMessage message)
    {
        if (message.Data.Kind == MessageDataKind.String)
        {
            return true;
        }

        _sink!.OnError(new OperationRejectedException(RejectionReason.Malformed, $"Rejected message {message.Id} on channel \"{channelName}\": a {message.Name} carries a JSON string, not a {message.Data.Kind} payload.", "data"));
        return false;
    }

    private async Task CountAsync(int edits, CancellationToken cancellationToken)
    {
        if (options.SnapshotEvery == 0 || Interlocked.Add(ref _sinceSnapshot, edits) < options.SnapshotEvery ||
            (options.SnapshotPublishers is { } publishers && (client.ClientId is not { } self || !publishers.Contains(self))))
        {
            return;
        }

        Interlocked.Exchange(ref _sinceSnapshot, 0);
        var sink = _sink!;
        // The last edit received is read before the state is: the state holds at least every edit up to it.
        var covers = _lastEdit;
        var snapshot = WithCoverage(sink.ExportSnapshot(), covers);
        try
        {
            foreach (var message in SnapshotMessages(snapshot, options.MaxSnapshotBytes))
            {
                await _channel.PublishAsync([message], cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is RealtimeException)
        {
            sink.OnError(ex);
        }
    }

    private sealed class SnapshotAssembly(string id, string? sender, string?[] parts)
    {
        public string Id { get; } = id;

        public string? Sender { get; } = sender;

        public string?[] Parts { get; } = parts;

        public int Missing { get; set; } = parts.Length;
    }
}
