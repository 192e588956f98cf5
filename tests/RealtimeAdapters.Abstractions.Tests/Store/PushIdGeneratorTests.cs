using Microsoft.Extensions.Time.Testing;

namespace RealtimeAdapters.Abstractions.Tests.Store;

public class PushIdGeneratorTests
{
    [Fact]
    public void Next_SameMillisecond_StrictlyIncreasing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var generator = new PushIdGenerator(time);
        var ids = Enumerable.Range(0, 5000).Select(_ => generator.Next()).ToList();
        Assert.All(ids, id => Assert.Equal(20, id.Length));
        Assert.All(ids, id => Assert.All(id, c => Assert.Contains(c, PushIdGenerator.Alphabet)));
        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"{ids[i - 1]} !< {ids[i]}");
        }

        Assert.Single(ids.Select(id => id[..8]).Distinct());
    }

    [Fact]
    public void Next_SortsChronologically_AndUnderKeyOrder()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var generator = new PushIdGenerator(time);
        var first = generator.Next();
        time.Advance(TimeSpan.FromMilliseconds(1));
        var second = generator.Next();
        time.Advance(TimeSpan.FromDays(365));
        var third = generator.Next();
        Assert.True(KeyComparer.Instance.Compare(first, second) < 0);
        Assert.True(KeyComparer.Instance.Compare(second, third) < 0);
        Assert.Equal('-', first[0]);
        Assert.True(RealtimeKeys.IsValid(first));
    }

    [Fact]
    public void Next_ClockStepsBack_StillIncreasing()
    {
        var time = new SettableClock { Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000) };
        var generator = new PushIdGenerator(time);
        var before = generator.Next();
        time.Now = time.Now.AddSeconds(-10);
        Assert.True(string.CompareOrdinal(before, generator.Next()) < 0);
    }

    [Fact]
    public async Task Next_ConcurrentCallers_AllUnique()
    {
        var generator = new PushIdGenerator();
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() => Enumerable.Range(0, 5000).Select(_ => generator.Next()).ToList())).ToArray();
        var all = (await Task.WhenAll(tasks)).SelectMany(x => x).ToList();
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Next_EncodesTheTimestamp()
    {
        var generator = new PushIdGenerator(new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(0)));
        Assert.StartsWith("--------", generator.Next(), StringComparison.Ordinal);
        var generator2 = new PushIdGenerator(new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(65)));
        Assert.StartsWith("------00", generator2.Next(), StringComparison.Ordinal);
    }

    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
