using System.Globalization;

namespace RealtimeAdapters.InMemory.Tests.Store;

public sealed class IndexEntryComparerTests
{
    // Integer keys (with leading zeros and signs), keys just past the integer range, list-style and push-id-style keys with
    // long shared prefixes, short keys that are prefixes of others, and keys with units at and above 127 (the key summary
    // counts those as 127).
    private static string RandomKey(Random random) => random.Next(9) switch
    {
        0 => random.Next(-50, 50).ToString(CultureInfo.InvariantCulture),
        1 => "0" + random.Next(100).ToString(CultureInfo.InvariantCulture),
        2 => random.Next(2) == 0 ? "2147483648" : "-2147483649",
        3 => "item" + random.Next(3000).ToString("D6", CultureInfo.InvariantCulture),
        4 => "-NxYzAb" + (char)('A' + random.Next(26)) + random.Next(10000).ToString(CultureInfo.InvariantCulture),
        5 => "item00" + random.Next(10).ToString(CultureInfo.InvariantCulture),
        6 => "é" + random.Next(100).ToString(CultureInfo.InvariantCulture),
        7 => "abcdefgh" + (char)(0x7E + random.Next(4)) + (char)('a' + random.Next(3)),
        _ => ((char)('a' + random.Next(3))).ToString() + (random.Next(2) == 0 ? "" : ((char)('a' + random.Next(3))).ToString()),
    };

    [Fact]
    public void KeyOrderOf_WhereTwoSummariesDiffer_TheyOrderAsTheKeys()
    {
        var random = new Random(11);
        for (var i = 0; i < 200_000; i++)
        {
            var a = RandomKey(random);
            var b = RandomKey(random);
            var summary = IndexEntryComparer.KeyOrderOf(a).CompareTo(IndexEntryComparer.KeyOrderOf(b));
            if (summary != 0)
            {
                Assert.True(Math.Sign(summary) == Math.Sign(KeyComparer.Instance.Compare(a, b)), $"\"{a}\" and \"{b}\"");
            }
        }
    }

    [Theory]
    [InlineData(QueryOrderBy.Key)]
    [InlineData(QueryOrderBy.Value)]
    [InlineData(QueryOrderBy.Default)]
    public void Compare_RandomEntries_OrdersAsChildOrder(QueryOrderBy orderBy)
    {
        var order = orderBy switch
        {
            QueryOrderBy.Key => ChildOrder.ByKey,
            QueryOrderBy.Value => ChildOrder.ByValue,
            _ => ChildOrder.Default,
        };
        var comparer = new IndexEntryComparer(order);
        var random = new Random(5);
        var values = new DataNode[] { 1, 2, "a", "b", true, DataNode.FromNumber(1).WithPriority(3), DataNode.FromString("x").WithPriority("p") };
        for (var i = 0; i < 100_000; i++)
        {
            var a = new KeyValuePair<string, DataNode>(RandomKey(random), values[random.Next(values.Length)]);
            var b = new KeyValuePair<string, DataNode>(RandomKey(random), values[random.Next(values.Length)]);
            var expected = Math.Sign(order.Compare(a, b));
            Assert.True(
                expected == Math.Sign(comparer.Compare(comparer.Entry(a.Key, a.Value), comparer.Entry(b.Key, b.Value))),
                $"{a} and {b}");
        }
    }
}
