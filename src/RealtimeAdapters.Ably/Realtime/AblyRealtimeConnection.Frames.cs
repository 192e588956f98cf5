using System.Globalization;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Realtime;

// AblyRealtimeConnection: protocol messages from the server (CONNECTED, ACK and NACK, AUTH, pings, channel messages).
internal sealed partial class AblyRealtimeConnection
{
    // Called on the session's receive loop, one frame at a time, in order.
    private void OnFrame(AblyTransportSession session, ProtocolMessage message)
    {
        switch (message.Action)
        {
            case ProtocolAction.Connected:
                OnConnected(session, message);
                return;
            case ProtocolAction.Ack:
            case ProtocolAction.Nack:
                OnAck(session, message);
                return;
            case ProtocolAction.Heartbeat:
                if (message.Id is { } pingId)
                {
                    lock (_gate)
                    {
                        if (_pings.Remove(pingId, out var ping))
                        {
                            ping.TrySetResult();
                        }
                    }
                }

                return;
            case ProtocolAction.Auth:
                _ = ReauthorizeAsync(session);
                return;
            case ProtocolAction.Error when message.Channel is null:
            {
                var error = message.Error ?? ErrorInfo.Create(AblyErrorCodes.ConnectionFailed, "Connection error.");
                var kind = AblyErrorCodes.IsTokenError(error.Code) ? SessionEndKind.TokenError : SessionEndKind.Fatal;
                session.End(new SessionOutcome(kind, error.ToException("Ably connection error")));
                return;
            }

            case ProtocolAction.Disconnected:
            {
                var error = message.Error ?? ErrorInfo.Create(AblyErrorCodes.ConnectionDisconnected, "Disconnected by the server.");
                var kind = AblyErrorCodes.IsTokenError(error.Code) ? SessionEndKind.TokenError : SessionEndKind.Lost;
                session.End(new SessionOutcome(kind, error.ToException("Ably disconnected the connection")));
                return;
            }

            case ProtocolAction.Closed:
                session.EndClosed();
                return;
            default:
                if (message.Channel is { } name && IsCurrent(session) && _findChannel(name) is { } channel)
                {
                    channel.Handle(message);
                }

                return;
        }
    }

    private bool IsCurrent(AblyTransportSession session)
    {
        lock (_gate)
        {
            return ReferenceEquals(_session, session);
        }
    }

    private void OnConnected(AblyTransportSession session, ProtocolMessage message)
    {
        var details = message.ConnectionDetails;
        bool resumed;
        RealtimeException? continuity = null;
        lock (_gate)
        {
            if (ReferenceEquals(_session, session))
            {
                // RTN24: a CONNECTED on a live connection (after AUTH) updates the details; it is not a new connection.
                ApplyDetails(message, details);
                _updated.TrySetResult();
                _updated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return;
            }

            if (!ReferenceEquals(_connecting, session) || _closeRequested)
            {
                return;
            }

            // RTN16: a recovered connection is one the server took over without an error; the key is used once.
            var recovered = _recoverAttempted && message.Error is null;
            _recoverKey = null;
            resumed = recovered || (_resumeAttempted && ConnectionId is not null && string.Equals(message.ConnectionId, ConnectionId, StringComparison.Ordinal));
            if ((ConnectionId is not null || _recoverAttempted) && !resumed)
            {
                // RTN15c7: the server could not resume; a new connection starts its msgSerial at 0.
                var why = message.Error?.Describe() ?? "the previous connection could not be resumed";
                continuity = new RealtimeConnectionException("Ably connection continuity was lost; messages sent to this client while it was away may be missing: " + why)
                {
                    ErrorCode = (message.Error?.Code ?? AblyErrorCodes.ContinuityLost).ToString(CultureInfo.InvariantCulture),
                    ProviderName = AblyChannelClient.Name,
                };
                _msgSerial = 0;
            }

            ApplyDetails(message, details);
            _session = session;
            _connecting = null;
            _untried = null;
            session.SetIdleTimeout(ConnectionTiming.IdleTimeout(details?.MaxIdleInterval, _options.RealtimeRequestTimeout));

            // RTN19a: what was sent but not acknowledged goes again, first, keeping its serial when the connection resumed.
            foreach (var item in _inFlight)
            {
                if (!resumed)
                {
                    item.Message.MsgSerial = _msgSerial++;
                }

                session.TrySend(item.Message);
            }

            foreach (var item in _queued)
            {
                item.Message.MsgSerial = _msgSerial++;
                _inFlight.Add(item);
                session.TrySend(item.Message);
            }

            _queued.Clear();
            _state.TryTransition(ConnectionState.Connected, continuity);
            ResolveWaiters(ConnectionState.Connected, null);
            _connectedSignal?.TrySetResult();
        }

        foreach (var channel in _allChannels())
        {
            channel.OnConnected(session, resumed);
        }
    }

    private void ApplyDetails(ProtocolMessage message, ConnectionDetails? details)
    {
        ConnectionId = message.ConnectionId ?? ConnectionId;
        _connectionKey = details?.ConnectionKey ?? message.ConnectionKey ?? _connectionKey;
        _details = details ?? _details;
        if (details?.MaxMessageSize is { } max and > 0)
        {
            MaxMessageSize = max;
        }
    }

    private void OnAck(AblyTransportSession session, ProtocolMessage message)
    {
        var first = message.MsgSerial ?? 0;
        var end = first + Math.Max(1, message.Count ?? 1);
        Outbound[] done;
        lock (_gate)
        {
            if (!ReferenceEquals(_session, session))
            {
                return;
            }

            // In-flight messages are in serial order: the acknowledged ones (and any skipped below them) are a prefix.
            var count = 0;
            while (count < _inFlight.Count && (_inFlight[count].Message.MsgSerial ?? -1) < end)
            {
                count++;
            }

            if (count == 0)
            {
                return;
            }

            done = new Outbound[count];
            _inFlight.CopyTo(0, done, 0, count);
            _inFlight.RemoveRange(0, count);
        }

        foreach (var item in done)
        {
            var serial = item.Message.MsgSerial ?? -1;
            if (serial >= first && message.Action == ProtocolAction.Ack)
            {
                // res holds one entry per acknowledged ProtocolMessage, in serial order (TR4s).
                var index = serial - first;
                item.Done.TrySetResult(message.Res is { } res && index < res.Count ? res[(int)index] : null);
            }
            else
            {
                // A NACK, or a serial the server skipped (an implicit NACK).
                var error = message.Action == ProtocolAction.Nack && serial >= first
                    ? message.Error ?? ErrorInfo.Create(AblyErrorCodes.InternalError, "The publish was refused.")
                    : ErrorInfo.Create(AblyErrorCodes.InternalError, "The server skipped this message's serial (implicit NACK).");
                item.Done.TrySetException(error.ToException("Ably refused the publish"));
            }
        }
    }

    private async Task ReauthorizeAsync(AblyTransportSession session)
    {
        // RTN22: the server asks for a new token; send it in an AUTH, the CONNECTED that follows is an update.
        try
        {
            if (!_credentials.UsesTokens)
            {
                return;
            }

            var token = await _credentials.RenewAccessTokenAsync(_stopping.Token).ConfigureAwait(false);
            session.TrySend(new ProtocolMessage { Action = ProtocolAction.Auth, Auth = new AuthDetails { AccessToken = token } });
        }
        catch (OperationCanceledException)
        {
        }
        catch (RealtimeException ex)
        {
            // Without a new token the server will end the connection at expiry; the token error then goes through renewal.
            session.End(new SessionOutcome(SessionEndKind.Lost, ex));
        }
    }
}
