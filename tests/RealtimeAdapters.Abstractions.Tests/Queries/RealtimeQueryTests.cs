namespace RealtimeAdapters.Abstractions.Tests.Queries;

public class RealtimeQueryTests
{
    private static readonly DataNode Scores = DataNode.Parse(
        "{\"ann\":{\"pts\":10},\"bob\":{\"pts\":30},\"cat\":{\"pts\":20},\"dan\":{\"pts\":20},\"eve\":{\"pts\":5}}");

    private static string[] Keys(RealtimeQuery q) => q.Select(Scores).Select(kv => kv.Key).ToArray();

    [Fact]
    public void Select_OrderByChildWithRange()
    {
        Assert.Equal(["ann", "cat", "dan"], Keys(RealtimeQuery.At("s").OrderByChild("pts").WithStartAt(10).WithEndAt(20)));
    }

    [Fact]
    public void Select_KeyTiebreakOnBounds()
    {
        Assert.Equal(["dan", "bob"], Keys(RealtimeQuery.At("s").OrderByChild("pts").WithStartAt(20, "dan")));
        Assert.Equal(["eve", "ann", "cat"], Keys(RealtimeQuery.At("s").OrderByChild("pts").WithEndAt(20, "cat")));
        Assert.Equal(["cat"], Keys(RealtimeQuery.At("s").OrderByChild("pts").WithEqualTo(20, "cat")));
        Assert.Equal(["cat", "dan"], Keys(RealtimeQuery.At("s").OrderByChild("pts").WithEqualTo(20)));
    }

    [Fact]
    public void Select_ExclusiveBounds_LeaveTheBoundOut()
    {
        var byPts = RealtimeQuery.At("s").OrderByChild("pts");
        Assert.Equal(["bob"], Keys(byPts.WithStartAfter(20)));
        Assert.Equal(["dan", "bob"], Keys(byPts.WithStartAfter(20, "cat")));
        Assert.Equal(["eve"], Keys(byPts.WithEndBefore(10)));
        Assert.Equal(["eve", "ann"], Keys(byPts.WithEndBefore(20, "cat")));
        Assert.Equal(["cat"], Keys(byPts.WithStartAfter(10).WithEndBefore(20, "dan")));
        var byKey = RealtimeQuery.At("s").OrderByKey();
        Assert.Equal(["cat", "dan", "eve"], Keys(byKey.WithStartAfter("bob")));
        Assert.Equal(["ann", "bob"], Keys(byKey.WithEndBefore("cat").WithLimitToLast(2)));
        Assert.NotEqual(byKey.WithStartAt("bob"), byKey.WithStartAfter("bob"));
    }

    [Fact]
    public void Select_Limits()
    {
        Assert.Equal(["eve", "ann"], Keys(RealtimeQuery.At("s").OrderByChild("pts").WithLimitToFirst(2)));
        Assert.Equal(["dan", "bob"], Keys(RealtimeQuery.At("s").OrderByChild("pts").WithLimitToLast(2)));
        Assert.Equal(["cat", "dan"], Keys(RealtimeQuery.At("s").OrderByKey().WithStartAt("bob").WithEndAt("dan").WithLimitToLast(2)));
    }

    [Fact]
    public void Apply_WithoutFilter_ReturnsTheNode_WithFilter_TheSelection()
    {
        Assert.Same(Scores, RealtimeQuery.At("s").OrderByChild("pts").Apply(Scores));
        var applied = RealtimeQuery.At("s").OrderByKey().WithLimitToFirst(1).Apply(Scores);
        Assert.Equal("{\"ann\":{\"pts\":10}}", applied.ToJsonString());
    }

    [Fact]
    public void Validation_FilterWithoutOrder_Throws()
    {
        var ex = Assert.Throws<RealtimeValidationException>(() => RealtimeQuery.At("s").WithLimitToFirst(1));
        Assert.Contains("order", ex.Message, StringComparison.Ordinal);
        Assert.Throws<RealtimeValidationException>(() => RealtimeQuery.At("s").WithStartAt(1));
    }

    [Fact]
    public void Validation_CombinationsRefusedAsTheServiceRefusesThem()
    {
        var q = RealtimeQuery.At("s").OrderByChild("pts");
        Assert.Throws<RealtimeValidationException>(() => q.OrderByKey());
        Assert.Throws<RealtimeValidationException>(() => q.WithLimitToFirst(1).WithLimitToLast(1));
        Assert.Throws<RealtimeValidationException>(() => q.WithStartAt(1).WithEqualTo(2));
        Assert.Throws<RealtimeValidationException>(() => q.WithStartAt(1).WithStartAt(2));
        Assert.Throws<RealtimeValidationException>(() => q.WithLimitToFirst(0));
        Assert.Throws<RealtimeValidationException>(() => q.WithStartAt(DataNode.Parse("{\"a\":1}")));
        Assert.Throws<RealtimeValidationException>(() => RealtimeQuery.At("s").OrderByKey().WithStartAt(1));
        Assert.Throws<RealtimeValidationException>(() => RealtimeQuery.At("s").OrderByKey().WithStartAt("a", "b"));
        Assert.Throws<RealtimeValidationException>(() => RealtimeQuery.At("s").OrderByKey().WithStartAt("a.b"));
        Assert.Throws<RealtimeValidationException>(() => RealtimeQuery.At("s").OrderByPriority().WithStartAt(true));
        Assert.Throws<RealtimeValidationException>(() => RealtimeQuery.At("s").OrderByChild(RealtimePath.Root));
        Assert.Throws<RealtimeValidationException>(() => q.WithStartAt(1, "bad/key"));
    }

    [Fact]
    public void ToString_RendersRestForm()
    {
        var q = RealtimeQuery.At("scores").OrderByChild("stats/pts").WithStartAt("a+b").WithLimitToLast(3);
        Assert.Equal("/scores?orderBy=\"stats/pts\"&startAt=\"a+b\"&limitToLast=3", q.ToString());
    }

    [Fact]
    public void Equality_SameQueriesAreEqual()
    {
        Assert.Equal(RealtimeQuery.At("a").OrderByKey().WithLimitToFirst(2), RealtimeQuery.At("/a/").OrderByKey().WithLimitToFirst(2));
        Assert.NotEqual(RealtimeQuery.At("a").OrderByKey().WithLimitToFirst(2), RealtimeQuery.At("a").OrderByKey().WithLimitToLast(2));
    }
}
