using System.Globalization;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Realtime;

// AblyRealtimeConnection: state transitions (disconnected, suspended, closed, failed) and what they do to pending messages and waiters.
internal sealed partial class AblyRealtimeConnection
{
    private void Disconnected(RealtimeException reason, DateTimeOffset retryAt)
    {
        lock (_gate)
        {
            _state.TryTransition(ConnectionState.Disconnected, reason, retryAt);
            ResolveWaiters(ConnectionState.Disconnected, reason);
            if (!_options.QueueMessages)
            {
                FailOutbound(reason);
            }
        }
    }

    private void EnterSuspended(RealtimeException reason, DateTimeOffset retryAt)
    {
        var error = Suspended(reason);

        // Channels first (RTL3c), so that whoever sees the connection suspended finds its channels suspended too.
        foreach (var channel in _allChannels())
        {
            channel.OnConnectionSuspended(error);
        }

        lock (_gate)
        {
            // Continuity is gone: the next connection is a clean one.
            _connectionKey = null;
            _state.TryTransition(ConnectionState.Suspended, error, retryAt);
            ResolveWaiters(ConnectionState.Suspended, error);
            FailOutbound(error);
        }
    }

    private static RealtimeConnectionException Suspended(RealtimeException? reason) =>
        new("The Ably connection is suspended (no connection for longer than connectionStateTtl)" + (reason is null ? "." : ": " + reason.Message), reason)
        {
            ErrorCode = AblyErrorCodes.ConnectionSuspended.ToString(CultureInfo.InvariantCulture),
            ProviderName = AblyChannelClient.Name,
            IsRetryable = true,
        };

    private void Finish(ConnectionState final, RealtimeException? reason)
    {
        RealtimeException error;
        lock (_gate)
        {
            _endReason = reason;
            error = EndedError();
            _state.TryTransition(final, reason);
            ResolveWaiters(final, error);
            FailOutbound(error);
            foreach (var ping in _pings.Values)
            {
                ping.TrySetException(error);
            }
        }

        foreach (var channel in _allChannels())
        {
            channel.OnConnectionEnded(final == ConnectionState.Failed ? error : null);
        }
    }

    private void FailOutbound(RealtimeException error)
    {
        foreach (var item in _inFlight)
        {
            item.Done.TrySetException(error);
        }

        foreach (var item in _queued)
        {
            item.Done.TrySetException(error);
        }

        _inFlight.Clear();
        _queued.Clear();
    }

    // Under _gate, on reaching connected, disconnected, suspended, closing, closed or failed: ConnectAsync callers learn
    // how their attempt ended.
    private void ResolveWaiters(ConnectionState state, RealtimeException? reason)
    {
        foreach (var done in _waiters)
        {
            if (state == ConnectionState.Connected)
            {
                done.TrySetResult();
            }
            else
            {
                done.TrySetException(reason ?? EndedError());
            }
        }

        _waiters.Clear();
    }
}
