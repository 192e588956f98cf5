using RealtimeAdapters;

namespace LiveDashboard;

/// <summary>Publishes readings (events named <c>reading</c>) on a dashboard's channel.</summary>
/// <param name="channel">The dashboard's channel (<see cref="DashboardViewer.ChannelName"/>).</param>
/// <param name="timeProvider">The clock that stamps readings; viewers must read the same clock (or a synchronised one).</param>
public sealed class DashboardProducer(IChannel channel, TimeProvider timeProvider)
{
    /// <summary>The event name of readings.</summary>
    public const string ReadingEvent = "reading";

    private long _sequence;

    /// <summary>Publishes the next reading; completes when the backend accepted it.</summary>
    /// <param name="requestsPerSecond">A metric.</param>
    /// <param name="cpuPercent">Another metric.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The reading sent.</returns>
    public async Task<Reading> PublishAsync(double requestsPerSecond, double cpuPercent, CancellationToken cancellationToken = default)
    {
        var reading = new Reading(Interlocked.Increment(ref _sequence), (timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds, requestsPerSecond, cpuPercent);
        await channel.PublishAsync(ReadingEvent, reading, cancellationToken: cancellationToken).ConfigureAwait(false);
        return reading;
    }
}
