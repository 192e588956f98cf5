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
}
