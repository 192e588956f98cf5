namespace RealtimeAdapters.Ably.Protocol;

/// <summary>Pure timing rules of the connection state machine (RTB1, RTN23a) and the client defaults (TO3l, DF1).</summary>
internal static class ConnectionTiming
{
    public static readonly TimeSpan DefaultDisconnectedRetryTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultSuspendedRetryTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultChannelRetryTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultRealtimeRequestTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultConnectionStateTtl = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan DefaultMaxIdleInterval = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultHttpOpenTimeout = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan DefaultHttpRequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>RTB1a: min((n + 2) / 3, 2) for the n-th retry (n ≥ 1): 1, 4/3, 5/3, 2, 2, …</summary>
    public static double BackoffCoefficient(int retryAttempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAttempt, 1);
        return Math.Min((retryAttempt + 2) / 3.0, 2.0);
    }

    /// <summary>RTB1b: 1 − 0.2 × <paramref name="random"/>, a factor between 0.8 and 1.</summary>
    /// <param name="random">A uniform sample in [0, 1).</param>
    public static double JitterCoefficient(double random)
    {
        if (random is < 0 or > 1 || double.IsNaN(random))
        {
            throw new ArgumentOutOfRangeException(nameof(random), random, "The sample must be in [0, 1].");
        }

        return 1.0 - (0.2 * random);
    }

    /// <summary>
    /// The delay before the <paramref name="retryAttempt"/>-th retry (n ≥ 1):
    /// <paramref name="baseTimeout"/> × min((n + 2) / 3, 2) × jitter in [0.8, 1].
    /// </summary>
    /// <param name="baseTimeout">disconnectedRetryTimeout or channelRetryTimeout.</param>
    /// <param name="retryAttempt">1 for the first retry.</param>
    /// <param name="random">A uniform sample in [0, 1), e.g. <see cref="Random.NextDouble"/>; fixed in tests.</param>
    public static TimeSpan RetryDelay(TimeSpan baseTimeout, int retryAttempt, double random) =>
        TimeSpan.FromTicks((long)(baseTimeout.Ticks * BackoffCoefficient(retryAttempt) * JitterCoefficient(random)));

    /// <summary>The delay before the n-th retry with a random jitter.</summary>
    public static TimeSpan RetryDelay(TimeSpan baseTimeout, int retryAttempt) => RetryDelay(baseTimeout, retryAttempt, Random.Shared.NextDouble());

    /// <summary>
    /// RTN23a: the transport is dropped after this long with nothing received: the server's <c>maxIdleInterval</c> plus
    /// <c>realtimeRequestTimeout</c>. A <c>maxIdleInterval</c> of 0 means the server sends no heartbeats: no idle timeout.
    /// </summary>
    /// <returns>The timeout, or <see langword="null"/> for none.</returns>
    public static TimeSpan? IdleTimeout(long? maxIdleIntervalMilliseconds, TimeSpan realtimeRequestTimeout)
    {
        var interval = maxIdleIntervalMilliseconds ?? (long)DefaultMaxIdleInterval.TotalMilliseconds;
        return interval <= 0 ? null : TimeSpan.FromMilliseconds(interval) + realtimeRequestTimeout;
    }

    /// <summary>The connection-state TTL of CONNECTED's details, or the default of 2 minutes.</summary>
    public static TimeSpan ConnectionStateTtl(ConnectionDetails? details) =>
        details?.ConnectionStateTtl is > 0 and var ttl ? TimeSpan.FromMilliseconds(ttl) : DefaultConnectionStateTtl;
}
