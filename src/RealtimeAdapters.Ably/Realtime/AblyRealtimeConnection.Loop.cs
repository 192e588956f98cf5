using System.Globalization;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Realtime;

// AblyRealtimeConnection: the connection loop (connect, resume or recover, retry with backoff, fallback endpoints).
internal sealed partial class AblyRealtimeConnection
{
    private async Task RunAsync()
    {
        var stop = _stopping.Token;
        var attempt = 0;
        DateTimeOffset? downSince = null;
        var renew = false;
        var renewed = false;
        while (true)
        {
            if (_closeRequested || stop.IsCancellationRequested ||
                (_state.State != ConnectionState.Connecting && !_state.TryTransition(ConnectionState.Connecting)))
            {
                Finish(ConnectionState.Closed, null);
                return;
            }

            var (outcome, wasConnected) = await AttemptAsync(renew, stop).ConfigureAwait(false);
            renew = false;
            if (outcome.Kind == SessionEndKind.Closed || _closeRequested || stop.IsCancellationRequested)
            {
                Finish(ConnectionState.Closed, null);
                return;
            }

            if (outcome.Kind == SessionEndKind.Fatal)
            {
                Finish(ConnectionState.Failed, outcome.Reason);
                return;
            }

            var now = _options.TimeProvider.GetUtcNow();
            if (wasConnected)
            {
                renewed = false;
                attempt = 0;
                downSince = now;
            }

            if (outcome.Kind == SessionEndKind.TokenError)
            {
                if (!_credentials.CanRenew || renewed)
                {
                    var error = _credentials.CanRenew
                        ? outcome.Reason
                        : ErrorInfo.Create(AblyErrorCodes.TokenRenewalNotConfigured, "The token was refused and no means to renew it is configured (set AuthCallback, or Key with UseTokenAuth).")
                            .ToException("Ably authentication");
                    Finish(ConnectionState.Failed, error);
                    return;
                }

                // RTN14b / RTN15h2: one renewal, then reconnect (resuming) at once.
                renew = true;
                renewed = true;
                downSince ??= now;
                Disconnected(outcome.Reason, now);
                continue;
            }

            if (wasConnected)
            {
                // RTN15a: after losing an established connection, the first attempt to resume is immediate.
                Disconnected(outcome.Reason, now);
                continue;
            }

            // RTN17: an endpoint that cannot be reached → the next fallback, within the same connecting state (not when it
            // was the credentials that failed).
            if (outcome.Reason is not RealtimeAuthenticationException && NextEndpoint())
            {
                continue;
            }

            downSince ??= now;
            attempt++;
            // The retry timer starts before the state is announced, so that whoever sees RetryAt can rely on it.
            var suspend = now - downSince.Value >= ConnectionTiming.ConnectionStateTtl(_details);
            var delay = suspend ? _options.SuspendedRetryTimeout : ConnectionTiming.RetryDelay(_options.DisconnectedRetryTimeout, attempt);
            var retry = WaitRetryAsync(delay, stop);
            if (suspend)
            {
                EnterSuspended(outcome.Reason, now + delay);
            }
            else
            {
                Disconnected(outcome.Reason, now + delay);
            }

            await retry.ConfigureAwait(false);
        }
    }

    private async Task WaitRetryAsync(TimeSpan delay, CancellationToken stop)
    {
        Task wake;
        lock (_gate)
        {
            wake = _wake.Task;
        }

        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            var timer = Task.Delay(delay, _options.TimeProvider, cancel.Token);
            await Task.WhenAny(wake, timer).ConfigureAwait(false);
            await cancel.CancelAsync().ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (_wake.Task.IsCompleted)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private async Task<(SessionOutcome Outcome, bool WasConnected)> AttemptAsync(bool renew, CancellationToken stop)
    {
        string credential;
        try
        {
            credential = await _credentials.GetQueryParameterAsync(renew, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return (new SessionOutcome(SessionEndKind.Closed, EndedError()), false);
        }
        catch (RealtimeException ex)
        {
            // RSA4c: a failing auth callback or token request leaves the connection disconnected (retried), unless refused outright.
            return (new SessionOutcome(ex.IsRetryable ? SessionEndKind.Lost : SessionEndKind.Fatal, ex), false);
        }

        var session = new AblyTransportSession(Format, _options.TimeProvider, OnFrame, _invoker);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? resumeKey;
        string? recoverKey;
        lock (_gate)
        {
            if (_closeRequested)
            {
                return (new SessionOutcome(SessionEndKind.Closed, EndedError()), false);
            }

            if (_wake.Task.IsCompleted)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            resumeKey = _connectionKey;
            _resumeAttempted = resumeKey is not null;
            recoverKey = resumeKey is null ? _recoverKey : null;
            _recoverAttempted = recoverKey is not null;
            _connecting = session;
            _connectedSignal = connected;
        }

        try
        {
            await session.OpenAsync(BuildUri(credential, resumeKey, recoverKey), _options.RealtimeRequestTimeout, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or OperationCanceledException or HttpRequestException or IOException)
        {
            var reason = new RealtimeConnectionException("Could not connect to Ably: " + ex.Message, ex)
            {
                ErrorCode = AblyErrorCodes.ConnectionDisconnected.ToString(CultureInfo.InvariantCulture),
                ProviderName = AblyChannelClient.Name,
                IsRetryable = true,
            };
            session.End(new SessionOutcome(SessionEndKind.Lost, reason));
            session.Dispose();
            lock (_gate)
            {
                _connecting = null;
            }

            return (new SessionOutcome(SessionEndKind.Lost, reason), false);
        }

        session.Start();
        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            await Task.WhenAny(connected.Task, session.Completion, Task.Delay(_options.RealtimeRequestTimeout, _options.TimeProvider, cancel.Token)).ConfigureAwait(false);
            await cancel.CancelAsync().ConfigureAwait(false);
        }

        // Whether the server confirmed is decided under the gate, not by which task WhenAny saw first: the timeout can fire
        // after the CONNECTED was applied but before this loop ran (a timer completes its task inline, the confirmation's
        // continuation is queued), and a confirmed connection is not dropped as unconfirmed. Once this attempt is given up,
        // a late CONNECTED is ignored (OnConnected checks _connecting).
        bool confirmed;
        lock (_gate)
        {
            confirmed = connected.Task.IsCompleted;
            if (!confirmed && ReferenceEquals(_connecting, session))
            {
                _connecting = null;
            }
        }

        if (!confirmed && !session.IsEnded)
        {
            session.End(new SessionOutcome(SessionEndKind.Lost, new RealtimeConnectionException("Ably did not confirm the connection in time.")
            {
                ErrorCode = AblyErrorCodes.ConnectionTimedOut.ToString(CultureInfo.InvariantCulture),
                ProviderName = AblyChannelClient.Name,
                IsRetryable = true,
            }));
        }

        var outcome = await session.Completion.ConfigureAwait(false);
        session.Dispose();
        lock (_gate)
        {
            if (ReferenceEquals(_session, session))
            {
                _session = null;
            }

            if (ReferenceEquals(_connecting, session))
            {
                _connecting = null;
            }

            foreach (var ping in _pings.Values)
            {
                ping.TrySetException(outcome.Reason);
            }
        }

        foreach (var channel in _allChannels())
        {
            channel.OnTransportLost();
        }

        return (outcome, connected.Task.IsCompleted);
    }

    // Moves to the next untried fallback; false (back at the primary endpoint) when all were tried.
    private bool NextEndpoint()
    {
        lock (_gate)
        {
            if (_untried is null)
            {
                var fallbacks = _options.EffectiveFallbacks();
                if (fallbacks.Count == 0)
                {
                    return false;
                }

                _untried = new Queue<Uri>(fallbacks.OrderBy(static _ => Random.Shared.Next()));
            }

            if (_untried.TryDequeue(out var next))
            {
                _endpoint = next;
                return true;
            }

            _untried = null;
            _endpoint = _options.Endpoint!;
            return false;
        }
    }

    private Uri BuildUri(string credential, string? resumeKey, string? recoverKey)
    {
        Uri endpoint;
        lock (_gate)
        {
            endpoint = _endpoint;
        }

        var query = string.Create(CultureInfo.InvariantCulture,
            $"{credential}&format={(Format == WireFormat.MsgPack ? "msgpack" : "json")}&v={ProtocolVersion}&heartbeats=true&echo={(_options.EchoMessages ? "true" : "false")}&agent={Uri.EscapeDataString(Agent)}");
        if (_options.ClientId is { } clientId)
        {
            query += "&clientId=" + Uri.EscapeDataString(clientId);
        }

        if (resumeKey is not null)
        {
            query += "&resume=" + Uri.EscapeDataString(resumeKey);
        }
        else if (recoverKey is not null)
        {
            query += "&recover=" + Uri.EscapeDataString(recoverKey);
        }

        var scheme = endpoint.Scheme is "https" or "wss" ? "wss" : "ws";
        return new UriBuilder(endpoint) { Scheme = scheme, Query = query }.Uri;
    }
}
