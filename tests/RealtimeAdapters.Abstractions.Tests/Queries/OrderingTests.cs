namespace RealtimeAdapters.Abstractions.Tests.Queries;

public class OrderingTests
{
    [Fact]
    public void CompareValues_OrdersAcrossTypes()
    {
        DataNode[] values = [DataNode.Parse("{\"a\":1}"), "b", "a", 10, -1, true, false, DataNode.Null];
        var sorted = values.Order(Comparer<DataNode>.Create(ChildOrder.CompareValues)).Select(v => v.ToJsonString()).ToArray();
        Assert.Equal(["null", "false", "true", "-1", "10", "\"a\"", "\"b\"", "{\"a\":1}"], sorted);
    }

    [Fact]
    public void ByValue_TiesBrokenByKeyOrder()
    {
        var node = DataNode.Parse("{\"b\":1,\"a\":1,\"10\":1,\"2\":1,\"z\":0}");
        var keys = RealtimeQuery.At("x").OrderByValue().Select(node).Select(kv => kv.Key);
        Assert.Equal(["z", "2", "10", "a", "b"], keys);
    }

    [Fact]
    public void ByPriority_NoneThenNumbersThenStrings()
    {
        var node = DataNode.FromChildren([
            new("s", DataNode.FromNumber(1).WithPriority("b")),
            new("n2", DataNode.FromNumber(1).WithPriority(2)),
            new("none", 1),
            new("n1", DataNode.FromNumber(1).WithPriority(1)),
            new("s0", DataNode.FromNumber(1).WithPriority("a")),
        ]);
        var keys = RealtimeQuery.At("x").OrderByPriority().Select(node).Select(kv => kv.Key);
        Assert.Equal(["none", "n1", "n2", "s0", "s"], keys);
        Assert.Equal(["none", "n1", "n2", "s0", "s"], new DataSnapshot(RealtimePath.Root, node).Children.Select(c => c.Key));
    }

    [Fact]
    public void ByChild_MissingChildSortsFirst_ObjectsLast()
    {
        var node = DataNode.Parse("{\"a\":{\"s\":5},\"b\":{\"other\":1},\"c\":{\"s\":{\"deep\":1}},\"d\":{\"s\":\"str\"},\"e\":7}");
        var keys = RealtimeQuery.At("x").OrderByChild("s").Select(node).Select(kv => kv.Key);
        Assert.Equal(["b", "e", "a", "d", "c"], keys);
    }
}
