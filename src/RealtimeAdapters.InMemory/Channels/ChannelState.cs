using System.Globalization;

namespace RealtimeAdapters.InMemory;

/// <summary>
/// One channel of a hub: its serial counter, subscribers, history, remembered message ids and presence members.
/// Every change happens under one lock per channel, and fan-out happens inside it, so all subscribers see one order
/// (the serial order) and a subscription registered at serial N receives exactly the messages after N. Subscriber
/// lists are copy-on-write arrays: fan-out iterates them without allocating, and a queue write never waits
/// (<see cref="RealtimeSubscription{T}.TryWrite"/>), so holding the lock while fanning out cannot stall on a reader.
/// A channel with nothing left in it (no holder, subscriber, member, retained history or remembered id) can be retired by
/// the hub; the operations that change it then report that it is retired, and the caller starts over with the hub's
/// current state for the name.
/// </summary>
internal sealed class ChannelState
{
    private readonly Lock _gate = new();
    private readonly InMemoryChannelHub _hub;
    private readonly HistoryLog<ChannelMessage> _history;
    private readonly HistoryLog<PresenceMessage> _presenceHistory;
    private readonly Dictionary<(string ConnectionId, string ClientId), PresenceMessage> _members = [];
    private MessageSubscriber[] _subscribers = [];
    private PresenceSubscriber[] _presenceSubscribers = [];
    private ChannelMessage[] _scratch = new ChannelMessage[16];
    private Dictionary<string, long>? _explicitIds;
    private Queue<(long Ticks, string Id, long Serial)>? _explicitIdExpiry;
    private long _serial;
    private int _holders;
    private bool _retired;

    public ChannelState(InMemoryChannelHub hub, string name)
    {
        _hub = hub;
        Name = name;
        _history = new HistoryLog<ChannelMessage>(hub.MaxHistory, ChannelMessagePacker.Instance);
        _presenceHistory = new HistoryLog<PresenceMessage>(hub.MaxHistory);

        // A channel of this name may have been retired: its serials must not come back, so this one starts above every
        // retired serial and counts them all as dropped (a resume from one of them is not a continuous one).
        _serial = hub.SerialFloor;
        _history.StartAfter(_serial);
        _presenceHistory.StartAfter(_serial);
    }

    public string Name { get; }

    public long Serial
    {
        get
        {
            lock (_gate)
            {
                return _serial;
            }
        }
    }

    /// <summary>Checks a batch without touching the channel: sizes, client ids, ids. Throws on the first problem.</summary>
    public void ValidateBatch(string? clientId, IReadOnlyList<ChannelMessage> messages) =>
        ChannelValidation.ValidateBatch(Name, clientId, messages, _hub.MaxMessageSize);

    /// <summary>
    /// Publishes a validated batch: stamps each message, appends it to history and fans it out. Messages whose id was
    /// already published are skipped (their <paramref name="serials"/> slot stays <see langword="null"/>).
    /// </summary>
    /// <returns><see langword="false"/> when the channel is retired (nothing was published).</returns>
    public bool Publish(string connectionId, string? clientId, IReadOnlyList<ChannelMessage> messages, string?[]? serials)
    {
        var count = messages.Count;
        if (count == 0)
        {
            return true;
        }

        var now = _hub.TimeProvider.GetUtcNow();
        var ticks = now.UtcTicks;
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            PruneLocked(ticks);
            if (_scratch.Length < count)
            {
                _scratch = new ChannelMessage[Math.Max(count, _scratch.Length * 2)];
            }

            var scratch = _scratch;
            var accepted = 0;
            var batchSerial = _serial + 1;
            for (var i = 0; i < count; i++)
            {
                var message = messages[i];
                var explicitId = message.Id;
                if (explicitId is not null && IsDuplicateLocked(explicitId))
                {
                    continue;
                }

                var serial = ++_serial;
                var serialText = _hub.Serials.Format(serial);
                var stamped = message with
                {
                    Id = explicitId ?? GenerateId(connectionId, batchSerial, i),
                    ConnectionId = connectionId,
                    ClientId = message.ClientId ?? clientId,
                    Timestamp = now,
                    Serial = serialText,
                };

                if (explicitId is not null)
                {
                    RememberIdLocked(explicitId, serial, ticks);
                }

                _history.Append(serial, ticks, stamped);
                scratch[accepted++] = stamped;
                if (serials is not null)
                {
                    serials[i] = serialText;
                }
            }

            if (accepted > 0)
            {
                FanOutLocked(connectionId, scratch, accepted);
                Array.Clear(scratch, 0, accepted);
            }
        }

        return true;
    }

    /// <returns>The subscriber, or <see langword="null"/> when the channel is retired.</returns>
    public MessageSubscriber? Subscribe(
        string connectionId,
        bool echo,
        ChannelSubscriptionOptions options,
        MessageReplay? replay,
        Action<MessageSubscriber>? onDisposed,
        out bool resumed,
        out int replayed)
    {
        var subscriber = new MessageSubscriber(this, connectionId, echo, options, onDisposed);
        resumed = false;
        replayed = 0;
        var ticks = _hub.TimeProvider.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            if (_retired)
            {
                return null;
            }

            PruneLocked(ticks);
            if (replay is not null)
            {
                var backlog = new List<ChannelMessage>();
                if (replay.AfterSerial is { } after)
                {
                    if (_hub.Serials.TryParse(after, out var afterSerial) && afterSerial <= _serial)
                    {
                        resumed = afterSerial >= _history.DroppedThrough;
                        _history.CopyAfter(afterSerial, backlog);
                    }
                }
                else if (replay.LastCount is { } last)
                {
                    _history.CopyLast(last, backlog);
                }
                else if (replay.Within is { } within)
                {
                    _history.CopySince(ticks - within.Ticks, backlog);
                }

                foreach (var message in backlog)
                {
                    if (subscriber.SuppressesEcho && string.Equals(message.ConnectionId, connectionId, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (subscriber.Matches(message.Name) && subscriber.Queue.TryWrite(message))
                    {
                        replayed++;
                    }
                }
            }

            subscriber.AttachSerial = _serial;

            // A replay can overflow a small Fail buffer; such a subscription has already ended and needs no fan-out.
            if (subscriber.Queue.IsActive)
            {
                _subscribers = [.. _subscribers, subscriber];
            }
        }

        return subscriber;
    }

    public void Remove(MessageSubscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers = Without(_subscribers, subscriber);
        }
    }

    public void Remove(PresenceSubscriber subscriber)
    {
        lock (_gate)
        {
            _presenceSubscribers = Without(_presenceSubscribers, subscriber);
        }
    }

    public (ChannelMessage[] Items, long? NextFromSerial) ReadHistory(HistoryQuery query, long? fromSerial)
    {
        var ticks = _hub.TimeProvider.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            PruneLocked(ticks);
            return _history.Read(query.Direction, fromSerial, query.Start?.UtcTicks, query.End?.UtcTicks, query.Limit);
        }
    }

    public (PresenceMessage[] Items, long? NextFromSerial) ReadPresenceHistory(HistoryQuery query, long? fromSerial)
    {
        var ticks = _hub.TimeProvider.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            PruneLocked(ticks);
            return _presenceHistory.Read(query.Direction, fromSerial, query.Start?.UtcTicks, query.End?.UtcTicks, query.Limit);
        }
    }

    /// <summary>Checks a presence change without touching the channel.</summary>
    public void ValidatePresence(PresenceMessage message) => ChannelValidation.ValidatePresence(Name, message, _hub.MaxMessageSize);

    /// <summary>
    /// Applies a validated presence change; <paramref name="evt"/> is the event sent to subscribers, or null when nothing
    /// changed. Returns <see langword="false"/> when the channel is retired (nothing was applied).
    /// </summary>
    public bool TryApplyPresence(string connectionId, PresenceMessage message, out PresenceMessage? evt)
    {
        var now = _hub.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            evt = null;
            if (_retired)
            {
                return false;
            }

            PruneLocked(now.UtcTicks);
            var key = (connectionId, message.ClientId);
            var present = _members.TryGetValue(key, out var member);
            PresenceAction action;
            MessageData data;
            if (message.Action == PresenceAction.Leave)
            {
                if (!present)
                {
                    return true;
                }

                _members.Remove(key);
                action = PresenceAction.Leave;
                data = message.Data.IsNone ? member!.Data : message.Data;
            }
            else
            {
                // An enter while present is an update, and an update while absent is an enter: the event says what
                // actually happened to the member set.
                action = present ? PresenceAction.Update : PresenceAction.Enter;
                data = message.Data;
            }

            evt = EmitPresenceLocked(connectionId, message.ClientId, action, data, message.Id, message.Extras, now);
            return true;
        }
    }

    /// <summary>Makes every member of <paramref name="connectionId"/> leave; returns the leave events.</summary>
    public List<PresenceMessage>? LeaveConnection(string connectionId)
    {
        var now = _hub.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            List<(string ConnectionId, string ClientId)>? keys = null;
            foreach (var key in _members.Keys)
            {
                if (string.Equals(key.ConnectionId, connectionId, StringComparison.Ordinal))
                {
                    (keys ??= []).Add(key);
                }
            }

            if (keys is null)
            {
                return null;
            }

            PruneLocked(now.UtcTicks);
            keys.Sort(static (a, b) => string.CompareOrdinal(a.ClientId, b.ClientId));
            var events = new List<PresenceMessage>(keys.Count);
            foreach (var key in keys)
            {
                _members.Remove(key, out var member);
                events.Add(EmitPresenceLocked(connectionId, key.ClientId, PresenceAction.Leave, member!.Data, null, null, now));
            }

            return events;
        }
    }

    public PresenceMessage[] GetMembers()
    {
        PresenceMessage[] members;
        lock (_gate)
        {
            members = [.. _members.Values];
        }

        SortMembers(members);
        return members;
    }

    /// <returns>The subscriber, or <see langword="null"/> when the channel is retired.</returns>
    public PresenceSubscriber? SubscribePresence(PresenceSubscriptionOptions options, Action<PresenceSubscriber>? onDisposed, out PresenceMessage[] members, out long attachSerial)
    {
        var subscriber = new PresenceSubscriber(this, options, onDisposed);
        lock (_gate)
        {
            if (_retired)
            {
                members = [];
                attachSerial = 0;
                return null;
            }

            members = [.. _members.Values];
            attachSerial = subscriber.AttachSerial = _serial;
            _presenceSubscribers = [.. _presenceSubscribers, subscriber];
        }

        SortMembers(members);
        return subscriber;
    }

    /// <summary>A client channel holds this state (and uses it directly): it is not retired until released. False when already retired.</summary>
    public bool TryHold()
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            _holders++;
            return true;
        }
    }

    /// <summary>A client channel no longer holds this state.</summary>
    public void Unhold()
    {
        lock (_gate)
        {
            _holders--;
        }
    }

    /// <summary>
    /// Retires the channel when nothing is left in it once expired history is pruned: no holder, active subscriber, member,
    /// retained message or presence event, or remembered message id. Its last serial is handed to the hub first, so that a
    /// channel created later for the name continues above it. Returns whether it is retired.
    /// </summary>
    public bool TryRetire(long nowTicks)
    {
        lock (_gate)
        {
            if (_retired)
            {
                return true;
            }

            PruneLocked(nowTicks);
            if (_holders > 0 || _members.Count > 0 || _history.Count > 0 || _presenceHistory.Count > 0 ||
                _explicitIds is { Count: > 0 } ||
                Array.Exists(_subscribers, static s => s.Queue.IsActive) ||
                Array.Exists(_presenceSubscribers, static s => s.Queue.IsActive))
            {
                return false;
            }

            _hub.RaiseSerialFloor(_serial);
            _retired = true;
            return true;
        }
    }

    private static void SortMembers(PresenceMessage[] members) =>
        Array.Sort(members, static (a, b) =>
        {
            var byClient = string.CompareOrdinal(a.ClientId, b.ClientId);
            return byClient != 0 ? byClient : string.CompareOrdinal(a.ConnectionId, b.ConnectionId);
        });

    private static string GenerateId(string connectionId, long batchSerial, int index) => ChannelSerials.FormatId(connectionId, batchSerial, index);

    private static T[] Without<T>(T[] items, T item)
        where T : class
    {
        var index = Array.IndexOf(items, item);
        if (index < 0)
        {
            return items;
        }

        if (items.Length == 1)
        {
            return [];
        }

        var copy = new T[items.Length - 1];
        Array.Copy(items, 0, copy, 0, index);
        Array.Copy(items, index + 1, copy, index, items.Length - index - 1);
        return copy;
    }

    private PresenceMessage EmitPresenceLocked(string connectionId, string clientId, PresenceAction action, MessageData data, string? id, System.Text.Json.JsonElement? extras, DateTimeOffset now)
    {
        var serial = ++_serial;
        var evt = new PresenceMessage
        {
            Action = action,
            ClientId = clientId,
            ConnectionId = connectionId,
            Data = data,
            Id = id ?? GenerateId(connectionId, serial, 0),
            Timestamp = now,
            Extras = extras,
        };

        if (action != PresenceAction.Leave)
        {
            _members[(connectionId, clientId)] = evt with { Action = PresenceAction.Present };
        }

        _presenceHistory.Append(serial, now.UtcTicks, evt);
        var subscribers = _presenceSubscribers;
        var anyEnded = false;
        foreach (var subscriber in subscribers)
        {
            if (subscriber.Matches(action) && !subscriber.Queue.TryWrite(evt))
            {
                anyEnded = true;
            }
        }

        if (anyEnded)
        {
            _presenceSubscribers = Array.FindAll(_presenceSubscribers, static s => s.Queue.IsActive);
        }

        return evt;
    }

    // Subscriber-major: each queue receives the whole batch in one go, which keeps its lock and buffer hot and wakes a
    // waiting reader once per batch rather than once per message.
    private void FanOutLocked(string connectionId, ChannelMessage[] messages, int count)
    {
        var subscribers = _subscribers;
        var anyEnded = false;
        for (var s = 0; s < subscribers.Length; s++)
        {
            var subscriber = subscribers[s];
            if (subscriber.SuppressesEcho && string.Equals(subscriber.ConnectionId, connectionId, StringComparison.Ordinal))
            {
                continue;
            }

            var queue = subscriber.Queue;
            if (!subscriber.HasFilter)
            {
                for (var m = 0; m < count; m++)
                {
                    if (!queue.TryWrite(messages[m]))
                    {
                        anyEnded = true;
                        break;
                    }
                }
            }
            else
            {
                for (var m = 0; m < count; m++)
                {
                    var message = messages[m];
                    if (subscriber.Matches(message.Name) && !queue.TryWrite(message))
                    {
                        anyEnded = true;
                        break;
                    }
                }
            }
        }

        if (anyEnded)
        {
            // Subscriptions that overflowed (Fail policy) or were completed leave the list; their readers see the end.
            _subscribers = Array.FindAll(_subscribers, static s => s.Queue.IsActive);
        }
    }

    private bool IsDuplicateLocked(string id)
    {
        if (_explicitIds is not null && _explicitIds.ContainsKey(id))
        {
            return true;
        }

        // A backend-generated id ("<connectionId>:<batchSerial>:<index>") belongs to a message with a serial in
        // [batchSerial, batchSerial + index]; looking there avoids remembering every generated id.
        var lastColon = id.LastIndexOf(':');
        if (lastColon <= 0)
        {
            return false;
        }

        var firstColon = id.LastIndexOf(':', lastColon - 1);
        if (firstColon < 0 ||
            !long.TryParse(id.AsSpan(firstColon + 1, lastColon - firstColon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var batchSerial) ||
            !int.TryParse(id.AsSpan(lastColon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return false;
        }

        return _history.AnyBetween(batchSerial, batchSerial + (long)index, id, static (message, id) => string.Equals(message.Id, id, StringComparison.Ordinal));
    }

    private void RememberIdLocked(string id, long serial, long ticks)
    {
        _explicitIds ??= new Dictionary<string, long>(StringComparer.Ordinal);
        _explicitIdExpiry ??= new Queue<(long, string, long)>();
        _explicitIds[id] = serial;
        _explicitIdExpiry.Enqueue((ticks, id, serial));
    }

    private void PruneLocked(long nowTicks)
    {
        var cutoff = nowTicks - _hub.RetentionTicks;
        _history.Prune(cutoff);
        _presenceHistory.Prune(cutoff);
        if (_explicitIdExpiry is { } expiry)
        {
            while (expiry.TryPeek(out var oldest) && oldest.Ticks < cutoff)
            {
                expiry.Dequeue();
                if (_explicitIds!.TryGetValue(oldest.Id, out var serial) && serial == oldest.Serial)
                {
                    _explicitIds.Remove(oldest.Id);
                }
            }
        }
    }
}
