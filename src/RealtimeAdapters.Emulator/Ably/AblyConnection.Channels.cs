using System.Globalization;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Emulator.Hosting;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator.Ably;

// AblyConnection: channel operations (attach with sync, detach, publish, objects, presence) and the frames they send.
internal sealed partial class AblyConnection
{
    private async Task AttachAsync(ProtocolMessage message)
    {
        var name = message.Channel ?? string.Empty;
        var problem = ChannelNames.GetProblem(name);
        if (problem is not null)
        {
            await SendChannelErrorAsync(name, ErrorInfo.Create(AblyErrorCodes.InvalidChannelName, "Invalid channel name: " + problem)).ConfigureAwait(false);
            return;
        }

        var capability = _state!.Auth.Capability;
        var permitted = capability.GetPermittedModes(name);
        if (permitted == ProtocolFlags.None)
        {
            await SendChannelErrorAsync(name, ErrorInfo.Create(AblyErrorCodes.CapabilityDenied, $"Channel denied access based on given capability: \"{name}\".")).ConfigureAwait(false);
            return;
        }

        var requested = (message.Flags ?? ProtocolFlags.None).Modes();
        // Without requested modes a client gets the default ones: the object modes only when asked for (LiveObjects clients
        // request them), so plain channel clients receive no object sync.
        var granted = requested == ProtocolFlags.None ? permitted & ~(ProtocolFlags.ObjectSubscribe | ProtocolFlags.ObjectPublish) : requested & permitted;
        MessageReplay? replay = null;
        var resuming = message.ChannelSerial is { Length: > 0 };
        if (resuming)
        {
            replay = new MessageReplay { AfterSerial = message.ChannelSerial };
        }
        else if (message.Params?.GetValueOrDefault("rewind") is { Length: > 0 } rewind)
        {
            // Refused before anything changes: the channel fails, the connection and its other channels carry on.
            if (ParseRewind(rewind) is not { } rewound)
            {
                await SendChannelErrorAsync(name, ErrorInfo.Create(
                    AblyErrorCodes.InvalidParameter,
                    "Invalid rewind parameter: a message count up to 2147483647 or a duration in seconds or minutes (\"10\", \"30s\", \"2m\") up to 10675199 days.")).ConfigureAwait(false);
                return;
            }

            replay = rewound;
        }

        if (_channels.TryRemove(name, out var old))
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }

        var link = new ChannelLink(name);
        _server.Webhooks?.Follow(name);

        // Held until ATTACHED and the SYNC are queued: a publisher flushing this channel's presence (see Publish) waits
        // for them, so a presence event is queued after the SYNC that does not contain it.
        lock (link.Gate)
        {
            var flags = granted;
            string attachSerial;
            if (granted.Has(ProtocolFlags.Subscribe))
            {
                var attachment = _server.Hub.SubscribeMessages(name, _state.ConnectionId, null, _echo, replay);
                link.Messages = new SubscriptionDrain<ChannelMessage>(attachment.Subscription, m => Post(MessageFrame(name, m)), link.MessageGate, _server.DrainScheduler);
                link.MessageSubscription = attachment.Subscription;
                attachSerial = attachment.AttachSerial;
                if (attachment.Resumed)
                {
                    flags |= ProtocolFlags.Resumed;
                }

                if (attachment.Replayed > 0)
                {
                    flags |= ProtocolFlags.HasBacklog;
                }
            }
            else
            {
                attachSerial = _server.Hub.GetChannelSerial(name);
                if (resuming)
                {
                    flags |= ProtocolFlags.Resumed;
                }
            }

            IReadOnlyList<PresenceMessage>? members = null;
            if (granted.Has(ProtocolFlags.PresenceSubscribe))
            {
                var presence = _server.Hub.SubscribePresence(name);
                link.Presence = new SubscriptionDrain<PresenceMessage>(presence.Subscription, p => Post(PresenceFrame(name, p)), link.Gate, _server.DrainScheduler);
                link.PresenceSubscription = presence.Subscription;

                // Presence events are not replayed from a channelSerial: a re-attach always gets a complete SYNC, even an
                // empty one, so the client's member set drops whoever left while it was away (RTP18, RTP19). Without
                // HAS_PRESENCE a RESUMED attach would leave the old set in place (ably-js only clears it when not resumed).
                if (presence.Members.Count > 0 || resuming)
                {
                    flags |= ProtocolFlags.HasPresence;
                    members = presence.Members;
                }
            }

            _channels[name] = link;

            // ATTACHED, then the SYNC, then live events: the client sees the attach before any message of the channel.
            var attached = new ProtocolMessage
            {
                Action = ProtocolAction.Attached,
                Channel = name,
                ChannelSerial = attachSerial,
                Flags = flags,
                Params = message.Params,
            };
            if (granted.Has(ProtocolFlags.ObjectSubscribe))
            {
                // Every ATTACHED with object_subscribe, resumed ones too, is followed by a full OBJECT_SYNC (RTO4): under the
                // channel's objects lock, so the sync holds the operations before it and the attachment gets all after it.
                attached.Flags = flags | ProtocolFlags.HasObjects;
                link.Objects = _server.Objects.Get(name).Attach(_state!.ConnectionId, () => Post(attached), Post);
            }
            else
            {
                Post(attached);
            }
            if (members is not null)
            {
                PostSync(name, members);
            }

            link.Presence?.Start();
        }

        link.Messages?.Start();
    }

    /// <summary>A multi-part SYNC: channelSerial <c>&lt;syncId&gt;:&lt;cursor&gt;</c>, an empty cursor on the last part (RTP18); at least one part.</summary>
    private void PostSync(string channel, IReadOnlyList<PresenceMessage> members)
    {
        var syncId = "sync" + Interlocked.Increment(ref _syncCount).ToString(CultureInfo.InvariantCulture);
        var offset = 0;
        do
        {
            var last = offset + SyncPageSize >= members.Count;
            Post(new ProtocolMessage
            {
                Action = ProtocolAction.Sync,
                Channel = channel,
                ChannelSerial = syncId + ":" + (last ? string.Empty : (offset + SyncPageSize).ToString(CultureInfo.InvariantCulture)),
                Presence = [.. members.Skip(offset).Take(SyncPageSize).Select(m => AblyPayloads.ToWire(m, _format))],
            });
            offset += SyncPageSize;
        }
        while (offset < members.Count);
    }

    /// <summary>A rewind of N messages or a duration (<c>30s</c>, <c>2m</c>); null when it is neither or out of range.</summary>
    private static MessageReplay? ParseRewind(string rewind)
    {
        if (int.TryParse(rewind, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return new MessageReplay { LastCount = count };
        }

        var unitTicks = rewind.Length > 1 ? rewind[^1] switch
        {
            's' => TimeSpan.TicksPerSecond,
            'm' => TimeSpan.TicksPerMinute,
            _ => 0L,
        } : 0L;

        // The amount must fit a TimeSpan: TimeSpan.FromMinutes would throw on overflow.
        return unitTicks > 0 &&
            long.TryParse(rewind.AsSpan(0, rewind.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) &&
            amount <= TimeSpan.MaxValue.Ticks / unitTicks
            ? new MessageReplay { Within = TimeSpan.FromTicks(amount * unitTicks) }
            : null;
    }


    private async Task DetachAsync(ProtocolMessage message)
    {
        var name = message.Channel ?? string.Empty;
        if (_channels.TryRemove(name, out var link))
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        // A connection cannot be present on a channel it is not attached to: detaching makes its members leave, and the
        // LEAVEs reach the other connections before this one sees DETACHED.
        if (ChannelNames.GetProblem(name) is null && _server.Hub.RemoveConnectionPresence(_state!.ConnectionId, name) > 0)
        {
            _server.FlushPresence(name);
        }

        Post(new ProtocolMessage { Action = ProtocolAction.Detached, Channel = name });
    }

    private void Publish(ProtocolMessage message)
    {
        var name = message.Channel ?? string.Empty;
        var state = _state!;
        var presence = message.Action == ProtocolAction.Presence;
        var result = state.PublishOnce(message.MsgSerial, () => RefuseOverRate(message, name) ?? PublishNow(message, name), out var duplicate);
        if (presence && !duplicate && result.Action == ProtocolAction.Ack)
        {
            // The hub has fanned the event out into each attached connection's subscription; move it into their outbound
            // queues before the ACK goes out, so a client that sees the ACK and then asks another connection (a frame
            // round trip) finds the change there. Queueing never waits on a slow client.
            _server.FlushPresence(name);
        }

        Post(result);
    }

    private ProtocolMessage PublishNow(ProtocolMessage message, string name)
    {
        var serial = message.MsgSerial ?? 0;
        try
        {
            ChannelNames.Validate(name);
            var state = _state!;
            IReadOnlyList<string?> serials;
            if (message.Action == ProtocolAction.Message)
            {
                RequireCapability(name, "publish");
                var wire = message.Messages ?? [];
                var messages = new List<ChannelMessage>(wire.Count);
                foreach (var m in wire)
                {
                    var size = MessageSize.Of(m);
                    if (size > _server.Options.MaxMessageSize)
                    {
                        _server.Metrics.RecordRefusal(EmulatorLimits.Ably, EmulatorLimits.MessageSize);
                        throw AblyAuthority.Fail(AblyErrorCodes.MessageTooLarge, $"Message too large: {size} bytes, the limit is {_server.Options.MaxMessageSize}.");
                    }

                    messages.Add(AblyPayloads.FromWire(m));
                }

                _server.Webhooks?.Follow(name);
                serials = _server.Hub.Publish(name, state.ConnectionId, EnforcedClientId(), messages);
            }
            else
            {
                RequireCapability(name, "presence");
                var list = new List<string?>();
                foreach (var p in message.Presence ?? [])
                {
                    var clientId = p.ClientId ?? (state.ClientId is "*" ? null : state.ClientId);
                    if (string.IsNullOrEmpty(clientId))
                    {
                        throw AblyAuthority.Fail(AblyErrorCodes.PresenceWithoutClientId, "Presence needs a client id.");
                    }

                    if (EnforcedClientId() is { } own && own != clientId)
                    {
                        throw AblyAuthority.Fail(AblyErrorCodes.InvalidClientId, "Presence clientId does not match the connection's client id.");
                    }

                    var action = p.Action switch
                    {
                        PresenceAction.Enter or PresenceAction.Present => PresenceAction.Enter,
                        PresenceAction.Update => PresenceAction.Update,
                        PresenceAction.Leave => PresenceAction.Leave,
                        _ => throw AblyAuthority.Fail(AblyErrorCodes.InvalidParameter, "Unknown presence action."),
                    };
                    // The id is the server's (connectionId:serial:index): clients order a member's events by it (RTP2b), so
                    // one taken from the client could make the member's later LEAVE look older than its ENTER.
                    var decoded = AblyPayloads.FromWire(p with { Action = action, ClientId = clientId, Id = null });
                    _server.Webhooks?.Follow(name);
                    _server.Hub.ApplyPresence(name, state.ConnectionId, decoded);
                    list.Add(null);
                }

                serials = list;
            }

            return new ProtocolMessage
            {
                Action = ProtocolAction.Ack,
                MsgSerial = serial,
                Count = 1,
                Res = [new PublishResult { Serials = serials }],
            };
        }
        catch (Exception ex) when (ex is RealtimeException or ArgumentException)
        {
            return new ProtocolMessage
            {
                Action = ProtocolAction.Nack,
                MsgSerial = serial,
                Count = 1,
                Error = AblyServer.ToErrorInfo(ex),
            };
        }
    }

    private string? EnforcedClientId() => _state!.ClientId is null or "*" ? null : _state.ClientId;

    /// <summary>OBJECT: LiveObjects operations, all applied or none; broadcast to the channel's object subscribers before the ACK.</summary>
    private void PublishObjects(ProtocolMessage message)
    {
        var name = message.Channel ?? string.Empty;
        var state = _state!;
        var result = state.PublishOnce(message.MsgSerial, () =>
        {
            var serial = message.MsgSerial ?? 0;
            try
            {
                ChannelNames.Validate(name);
                RequireCapability(name, "object-publish");
                var serials = _server.Objects.Get(name).Publish(message.State ?? [], state.ConnectionId, EnforcedClientId(), message.MsgSerial, _server.Options.MaxMessageSize);
                return new ProtocolMessage { Action = ProtocolAction.Ack, MsgSerial = serial, Count = 1, Res = [new PublishResult { Serials = serials }] };
            }
            catch (Exception ex) when (ex is RealtimeException or ArgumentException)
            {
                return new ProtocolMessage { Action = ProtocolAction.Nack, MsgSerial = serial, Count = 1, Error = AblyServer.ToErrorInfo(ex) };
            }
        }, out _);
        Post(result);
    }

    private void RequireCapability(string channel, string operation)
    {
        if (!_state!.Auth.Capability.Allows(channel, operation))
        {
            throw AblyAuthority.Fail(AblyErrorCodes.CapabilityDenied, $"Action not permitted: no '{operation}' capability on channel \"{channel}\".");
        }
    }


    private ProtocolMessage MessageFrame(string channel, ChannelMessage message) => new()
    {
        Action = ProtocolAction.Message,
        Channel = channel,
        ChannelSerial = message.Serial,
        Id = message.Id,
        ConnectionId = message.ConnectionId,
        Timestamp = MessageMapper.ToMilliseconds(message.Timestamp),
        Messages = [AblyPayloads.ToWire(message, _format)],
    };

    private ProtocolMessage PresenceFrame(string channel, PresenceMessage message) => new()
    {
        Action = ProtocolAction.Presence,
        Channel = channel,
        Presence = [AblyPayloads.ToWire(message, _format)],
    };

    /// <summary>Queues whatever presence events of <paramref name="channel"/> this transport's subscription holds.</summary>
    internal void FlushPresence(string channel)
    {
        if (_channels.TryGetValue(channel, out var link))
        {
            link.Presence?.Drain();
        }
    }
}
