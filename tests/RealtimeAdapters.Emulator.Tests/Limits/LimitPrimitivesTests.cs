using System.Net;
using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Emulator.Hosting;

namespace RealtimeAdapters.Emulator.Tests.Limits;

/// <summary>The token bucket behind the message rates and the per-address connection count.</summary>
public sealed class LimitPrimitivesTests
{
    [Fact]
    public void TokenBucket_HoldsOneSecondsWorth_RefillsWithTheClock_TakesAllOrNothing()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(4, time);

        Assert.True(bucket.TryTake(3));
        Assert.False(bucket.TryTake(2));
        Assert.True(bucket.TryTake(1));
        Assert.False(bucket.TryTake(1));
        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.True(bucket.TryTake(2));
        Assert.False(bucket.IsFull);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(bucket.IsFull);
        Assert.False(bucket.TryTake(5));
        Assert.True(bucket.TryTake(4));
        bucket.Return(9);
        Assert.True(bucket.IsFull);
        Assert.False(bucket.TryTake(5));
    }

    [Fact]
    public void TokenBucket_RateBelowOne_StillLetsOneMessageThrough()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(0.5, time);

        Assert.True(bucket.TryTake(1));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(bucket.TryTake(1));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(bucket.TryTake(1));
    }

    [Fact]
    public void ConnectionsPerAddress_CountsPerAddress_ReleasesOnDispose_MappedIPv4IsTheSameClient()
    {
        var limiter = new ConnectionsPerAddress(2);
        var a = IPAddress.Parse("10.0.0.1");

        var first = limiter.TryOpen(a);
        var second = limiter.TryOpen(a.MapToIPv6());
        var third = limiter.TryOpen(a);
        var otherClient = limiter.TryOpen(IPAddress.Parse("10.0.0.2"));
        first!.Dispose();
        first.Dispose();
        var afterRelease = limiter.TryOpen(a);
        var overAgain = limiter.TryOpen(a);

        Assert.NotNull(second);
        Assert.Null(third);
        Assert.NotNull(otherClient);
        Assert.NotNull(afterRelease);
        Assert.Null(overAgain);
    }

    [Fact]
    public void ConnectionsPerAddress_Zero_NeverRefuses()
    {
        var limiter = new ConnectionsPerAddress(0);
        Assert.All(Enumerable.Range(0, 1000), _ => Assert.NotNull(limiter.TryOpen(IPAddress.Loopback)));
    }

    [Fact]
    public void Refusals_FirstLoggedAtOnce_ThenACountAtMostOncePerPeriodPerLimit()
    {
        var time = new FakeTimeProvider();
        using var logs = new Infrastructure.CapturingLoggerProvider();
        using var metrics = new EmulatorMetrics(logs.CreateLogger("limits"), time);
        string[] Lines() => [.. logs.Entries.Select(static e => e.Message)];

        metrics.RecordRefusal(EmulatorLimits.Ably, EmulatorLimits.ConnectionRate);
        for (var i = 0; i < 500; i++)
        {
            metrics.RecordRefusal(EmulatorLimits.Ably, EmulatorLimits.ConnectionRate);   // a client hammering the limit
        }

        metrics.RecordRefusal(EmulatorLimits.Firebase, EmulatorLimits.BodySize);          // another limit: its own report
        Assert.Equal(2, Lines().Length);
        Assert.Contains("Ably: 1 refused by the connection_rate limit", Lines()[0], StringComparison.Ordinal);

        time.Advance(EmulatorMetrics.RefusalLogPeriod);
        metrics.RecordRefusal(EmulatorLimits.Ably, EmulatorLimits.ConnectionRate);
        Assert.Equal(3, Lines().Length);
        Assert.Contains("Ably: 501 refused by the connection_rate limit", Lines()[2], StringComparison.Ordinal);
    }
}
