using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Tests.Protocol;

public sealed class ConnectionTimingTests
{
    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(2, 4.0 / 3)]
    [InlineData(3, 5.0 / 3)]
    [InlineData(4, 2.0)]
    [InlineData(100, 2.0)]
    public void BackoffCoefficient_FollowsRtb1(int attempt, double expected)
    {
        Assert.Equal(expected, ConnectionTiming.BackoffCoefficient(attempt), 10);
    }

    [Fact]
    public void RetryDelay_JitterExtremes_Are80To100Percent()
    {
        var baseTimeout = TimeSpan.FromSeconds(15);

        Assert.Equal(TimeSpan.FromSeconds(15), ConnectionTiming.RetryDelay(baseTimeout, 1, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(12), ConnectionTiming.RetryDelay(baseTimeout, 1, 1.0));
        Assert.Equal(TimeSpan.FromSeconds(30), ConnectionTiming.RetryDelay(baseTimeout, 4, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(24), ConnectionTiming.RetryDelay(baseTimeout, 7, 1.0));
        Assert.Equal(TimeSpan.FromSeconds(18), ConnectionTiming.RetryDelay(baseTimeout, 2, 0.5));
    }

    [Fact]
    public void RetryDelay_Random_StaysWithinBounds()
    {
        var baseTimeout = TimeSpan.FromSeconds(15);
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            var coefficient = ConnectionTiming.BackoffCoefficient(attempt);
            for (var i = 0; i < 200; i++)
            {
                var delay = ConnectionTiming.RetryDelay(baseTimeout, attempt);

                Assert.InRange(delay.TotalMilliseconds, 15_000 * coefficient * 0.8 - 1, 15_000 * coefficient);
            }
        }
    }

    [Fact]
    public void RetryDelay_InvalidInputs_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ConnectionTiming.RetryDelay(TimeSpan.FromSeconds(1), 0, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConnectionTiming.RetryDelay(TimeSpan.FromSeconds(1), 1, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConnectionTiming.RetryDelay(TimeSpan.FromSeconds(1), 1, double.NaN));
    }

    [Fact]
    public void IdleTimeout_IsMaxIdleIntervalPlusRequestTimeout()
    {
        Assert.Equal(TimeSpan.FromSeconds(25), ConnectionTiming.IdleTimeout(15_000, TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromSeconds(25), ConnectionTiming.IdleTimeout(null, ConnectionTiming.DefaultRealtimeRequestTimeout));
        Assert.Null(ConnectionTiming.IdleTimeout(0, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void ConnectionStateTtl_UsesServerValueOrDefault()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), ConnectionTiming.ConnectionStateTtl(new ConnectionDetails { ConnectionStateTtl = 5000 }));
        Assert.Equal(TimeSpan.FromMinutes(2), ConnectionTiming.ConnectionStateTtl(null));
        Assert.Equal(TimeSpan.FromMinutes(2), ConnectionTiming.ConnectionStateTtl(new ConnectionDetails()));
    }
}
