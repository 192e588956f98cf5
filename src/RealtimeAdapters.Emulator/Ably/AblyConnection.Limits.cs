using System.Globalization;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Emulator.Hosting;

namespace RealtimeAdapters.Emulator.Ably;

// AblyConnection: the configured limits (frame size, inbound message rates, idle timeout) and the counting of the errors
// this transport sends.
internal sealed partial class AblyConnection
{
    private ITimer? _idleTimer;
    private TokenBucket? _protocolRate;

    /// <summary>The messages per second this connection may publish, as announced in <c>connectionDetails.maxInboundRate</c>.</summary>
    private long AnnouncedInboundRate =>
        _server.Options.MaxMessagesPerSecondPerConnection > 0 ? (long)Math.Ceiling(_server.Options.MaxMessagesPerSecondPerConnection) : 1000;

    /// <summary>Refuses a frame over <see cref="AblyEmulatorOptions.MaxFrameSize"/>: ERROR 40009, then the connection is closed.</summary>
    private Task RefuseFrameAsync()
    {
        _server.Metrics.RecordRefusal(EmulatorLimits.Ably, EmulatorLimits.FrameSize);
        return FailAsync(ErrorInfo.Create(
            AblyErrorCodes.MessageTooLarge,
            string.Create(CultureInfo.InvariantCulture, $"Frame larger than maxFrameSize ({_server.Options.MaxFrameSize} bytes).")));
    }

    /// <summary>
    /// The NACK for a MESSAGE or PRESENCE frame over the connection's or the channel's message rate, or
    /// <see langword="null"/> when it may be published (its messages are then counted against both).
    /// </summary>
    private ProtocolMessage? RefuseOverRate(ProtocolMessage message, string channel)
    {
        var count = Math.Max(1, message.Action == ProtocolAction.Presence ? message.Presence?.Count ?? 0 : message.Messages?.Count ?? 0);
        return _server.Rates.TryPublish(_state!.InboundRate, channel, count) is { } error
            ? new ProtocolMessage { Action = ProtocolAction.Nack, MsgSerial = message.MsgSerial ?? 0, Count = 1, Error = error }
            : null;
    }

    /// <summary>
    /// Starts the limits of a connected transport: its protocol message rate and its idle timer (when
    /// <see cref="AblyEmulatorOptions.IdleTimeout"/> is set; every frame received restarts it, see <see cref="ActiveAsync"/>).
    /// </summary>
    private ITimer? StartLimits()
    {
        _protocolRate = _server.Rates.NewProtocolBucket();
        if (_server.Options.IdleTimeout is not { } timeout)
        {
            return null;
        }

        _idleTimer = _server.Time.CreateTimer(_ => _ = CloseIdleAsync(timeout), null, timeout, Timeout.InfiniteTimeSpan);
        return _idleTimer;
    }

    /// <summary>
    /// A frame arrived: the connection is not idle. Answers <see langword="false"/>, having ended the connection with ERROR
    /// 42924, when the frame is over <see cref="AblyEmulatorOptions.MaxProtocolMessagesPerSecond"/>.
    /// </summary>
    private async Task<bool> ActiveAsync()
    {
        if (_server.Options.IdleTimeout is { } timeout)
        {
            _idleTimer?.Change(timeout, Timeout.InfiniteTimeSpan);
        }

        if (_protocolRate is null || _protocolRate.TryTake(1))
        {
            return true;
        }

        _server.Metrics.RecordRefusal(EmulatorLimits.Ably, EmulatorLimits.ProtocolRate);
        await FailAsync(ErrorInfo.Create(
            AblyErrorCodes.ConnectionRateLimitFatal3,
            string.Create(CultureInfo.InvariantCulture, $"Connection terminated for abuse (inbound protocol message rate exceeded {_server.Options.MaxProtocolMessagesPerSecond}/s).")))
            .ConfigureAwait(false);
        return false;
    }

    /// <summary>Ends a connection that sent nothing for the idle timeout with DISCONNECTED (80003); the client can resume.</summary>
    private async Task CloseIdleAsync(TimeSpan timeout)
    {
        if (!IsLive)
        {
            return;
        }

        _server.Metrics.RecordRefusal(EmulatorLimits.Ably, EmulatorLimits.IdleTimeout);
        MarkNotLive();
        await DisconnectAsync(ErrorInfo.Create(
            AblyErrorCodes.ConnectionDisconnected,
            string.Create(CultureInfo.InvariantCulture, $"Connection idle: nothing received for {timeout.TotalSeconds:0.###} s (the emulator's idle timeout).")))
            .ConfigureAwait(false);
    }

    /// <summary>Counts an error sent to the client (ERROR, NACK, DISCONNECTED, DETACHED, CONNECTED with a reason) by its code.</summary>
    private void CountError(ProtocolMessage message)
    {
        if (message.Error is { } error)
        {
            _server.Metrics.RecordSocketError(EmulatorLimits.Ably, error.Code.ToString(CultureInfo.InvariantCulture));
        }
    }
}
