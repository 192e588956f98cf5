namespace RealtimeAdapters.Abstractions.Tests.Paths;

public class KeyComparerTests
{
    [Fact]
    public void Compare_SpecExample_SortsIntegersFirstThenStrings()
    {
        string[] keys = ["b", "10", "a", "01", "-1", "2", "1", "2147483648"];
        var sorted = keys.Order(KeyComparer.Instance).ToArray();
        Assert.Equal(["-1", "1", "01", "2", "10", "2147483648", "a", "b"], sorted);
    }
}
