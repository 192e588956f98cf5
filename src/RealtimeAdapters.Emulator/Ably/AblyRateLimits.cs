using System.Collections.Concurrent;
using System.Globalization;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Emulator.Hosting;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>
/// The inbound message rates of the Ably front end (<see cref="AblyEmulatorOptions.MaxMessagesPerSecondPerConnection"/>,
/// <see cref="AblyEmulatorOptions.MaxMessagesPerSecondPerChannel"/>): one token bucket per connection, held by the
/// connection, and one per channel, held here. A publish takes its messages from both or from neither, and a refusal is
/// the service's non-fatal rate-limit error (42911, 42913; HTTP status 429): the publish is rejected, the connection stays.
/// The protocol message rate (<see cref="AblyEmulatorOptions.MaxProtocolMessagesPerSecond"/>) has a bucket per transport,
/// which the transport checks itself: exceeding it is fatal (42924).
/// </summary>
internal sealed class AblyRateLimits(AblyEmulatorOptions options, TimeProvider time, EmulatorMetrics metrics)
{
    // Buckets of channels nobody published on for a second are full and can go; swept when the map has grown this far.
    private const int SweepAbove = 10_000;
    private readonly ConcurrentDictionary<string, TokenBucket> _channels = new(StringComparer.Ordinal);
    private int _sweepAt = SweepAbove;

    /// <summary>A new connection's bucket, or <see langword="null"/> when connections have no rate limit.</summary>
    public TokenBucket? NewConnectionBucket() =>
        options.MaxMessagesPerSecondPerConnection > 0 ? new TokenBucket(options.MaxMessagesPerSecondPerConnection, time) : null;

    /// <summary>A new transport's protocol message bucket, or <see langword="null"/> when frames have no rate limit.</summary>
    public TokenBucket? NewProtocolBucket() =>
        options.MaxProtocolMessagesPerSecond > 0 ? new TokenBucket(options.MaxProtocolMessagesPerSecond, time) : null;

    /// <summary>
    /// Takes <paramref name="count"/> messages from the connection's bucket (if any) and the channel's; answers the error to
    /// refuse the publish with, having taken nothing, or <see langword="null"/> when it may go ahead.
    /// </summary>
    public ErrorInfo? TryPublish(TokenBucket? connection, string channel, int count)
    {
        if (connection is not null && !connection.TryTake(count))
        {
            metrics.RecordRefusal(EmulatorLimits.Ably, EmulatorLimits.ConnectionRate);
            return Refusal(AblyErrorCodes.ConnectionInboundRateExceeded, "connection.inboundRate", options.MaxMessagesPerSecondPerConnection);
        }

        if (options.MaxMessagesPerSecondPerChannel > 0 && !ChannelBucket(channel).TryTake(count))
        {
            connection?.Return(count);
            metrics.RecordRefusal(EmulatorLimits.Ably, EmulatorLimits.ChannelRate);
            return Refusal(AblyErrorCodes.ChannelInboundRateExceeded, "channel.maxRate", options.MaxMessagesPerSecondPerChannel);
        }

        return null;
    }

    private static ErrorInfo Refusal(int code, string metric, double rate) =>
        ErrorInfo.Create(code, string.Create(CultureInfo.InvariantCulture, $"Rate limit exceeded; request rejected (nonfatal); metric = {metric}; permitted rate = {rate}/s."));

    private TokenBucket ChannelBucket(string channel)
    {
        if (_channels.TryGetValue(channel, out var bucket))
        {
            return bucket;
        }

        if (_channels.Count >= Volatile.Read(ref _sweepAt))
        {
            foreach (var (name, idle) in _channels)
            {
                if (idle.IsFull)
                {
                    _channels.TryRemove(new KeyValuePair<string, TokenBucket>(name, idle));
                }
            }

            // Many channels busy at once: sweep again only once the map has doubled, so adding stays O(1) on average.
            Volatile.Write(ref _sweepAt, Math.Max(SweepAbove, _channels.Count * 2));
        }

        return _channels.GetOrAdd(channel, _ => new TokenBucket(options.MaxMessagesPerSecondPerChannel, time));
    }
}
