using static RealtimeAdapters.InMemory.Tests.Store.StoreTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Store;

public sealed class InMemoryDatabaseWriteTests
{
    [Theory]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("{'x':null}")]
    public void Set_NullOrEmptyValue_DeletesAndPrunesEmptyAncestors(string empty)
    {
        var (db, _) = CreateDatabase();
        db.Set("a/b/c", 1);
        db.Set("a/d", 2);

        db.Set("a/b/c", Json(empty));

        Assert.Equal("{'a':{'d':2}}", db.Root.ToJsonString().Replace('"', '\''));
        Assert.False(db.Get("a/b").Exists);
        db.Set("a/d", Json(empty));
        Assert.True(db.Root.IsNull);
        Assert.False(db.Get("/").Exists);
    }

    [Fact]
    public void Set_OverLeafParent_TurnsItIntoAnObject()
    {
        var (db, _) = CreateDatabase();
        db.Set("a", "leaf");

        db.Set("a/b", true);

        Assert.Equal(Json("{'b':true}"), db.Get("a").Node);
    }

    [Fact]
    public void Get_MissingPath_IsNullSnapshot()
    {
        var (db, _) = CreateDatabase();

        var snapshot = db.Get("nothing/here");

        Assert.False(snapshot.Exists);
        Assert.Equal("/nothing/here", snapshot.Path.ToString());
    }

    [Fact]
    public void Set_TooDeepForItsPath_ThrowsNamingThePathAndWritesNothing()
    {
        var (db, _) = CreateDatabase();
        var path = RealtimePath.Parse(string.Join('/', Enumerable.Range(0, 30).Select(i => "k" + i)));
        var twoLevels = Json("{'x':{'y':1}}");

        var ex = Assert.Throws<RealtimeValidationException>(() => db.Set(path, twoLevels));

        Assert.Contains(path.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.True(db.Root.IsNull);
        db.Set(path, Json("{'x':1}")); // 30 + 1 levels is the maximum
        Assert.Equal(1, db.Get(path.Child("x")).Node.GetNumber());
    }

    [Fact]
    public void Set_KeyPathInValueTooLong_ThrowsAndWritesNothing()
    {
        var (db, _) = CreateDatabase();
        var parent = RealtimePath.Parse(new string('p', 700));

        var ex = Assert.Throws<RealtimeValidationException>(() => db.Set(parent, DataNode.FromChildren([new("ok", 1), new(new string('c', 68), 1)])));
        Assert.Throws<RealtimeValidationException>(() => db.Push(RealtimePath.Parse(new string('q', 700)), DataNode.FromChildren([new(new string('c', 47), 1)])));
        Assert.Throws<RealtimeValidationException>(() => db.Update("/", new Dictionary<string, DataNode> { [parent.ToString()] = DataNode.FromChildren([new(new string('c', 68), 1)]) }));

        Assert.Contains(new string('c', 20), ex.Message, StringComparison.Ordinal);
        Assert.True(db.Root.IsNull);
        db.Set(parent, DataNode.FromChildren([new(new string('c', 67), 1)])); // exactly 768 bytes
        db.Update("/", new Dictionary<string, DataNode> { ["x"] = DataNode.FromChildren([new(new string('r', 766), 1)]) }); // "x/" + 766
        Assert.Equal(2, db.Root.ChildCount);
    }

    [Fact]
    public void Update_MultiplePaths_AppliesAllIncludingNestedDeletes()
    {
        var (db, _) = CreateDatabase();
        db.Set("users", Json("{'alice':{'name':'A','age':1},'bob':{'name':'B'}}"));

        db.Update("users", new Dictionary<string, DataNode>
        {
            ["alice/age"] = 2,
            ["bob/name"] = DataNode.Null,
            ["carol"] = Json("{'name':'C'}"),
        });

        Assert.Equal(Json("{'alice':{'name':'A','age':2},'carol':{'name':'C'}}"), db.Get("users").Node);
    }

    [Theory]
    [InlineData("a", "a/b")]
    [InlineData("a/b", "a")]
    [InlineData("a", "/a/")]
    public void Update_OverlappingKeys_ThrowsNamingBothAndAppliesNothing(string first, string second)
    {
        var (db, _) = CreateDatabase();
        db.Set("root/x", 1);

        var ex = Assert.Throws<RealtimeValidationException>(() =>
            db.Update("root", new Dictionary<string, DataNode> { [first] = 1, [second] = 2, ["x"] = 5 }));

        Assert.Contains($"\"{first}\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{second}\"", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Json("{'x':1}"), db.Get("root").Node);
    }

    [Theory]
    [InlineData("bad.key")]
    [InlineData("a/b$")]
    [InlineData("")]
    [InlineData("/")]
    public void Update_InvalidKey_ThrowsNamingTheKeyAndAppliesNothing(string badKey)
    {
        var (db, _) = CreateDatabase();
        db.Set("root/x", 1);

        var ex = Assert.Throws<RealtimeValidationException>(() =>
            db.Update("root", new Dictionary<string, DataNode> { ["x"] = 2, ["y"] = 3, [badKey] = 4 }));

        Assert.Contains($"\"{badKey}\"", ex.Message, StringComparison.Ordinal);
        Assert.Equal(badKey, ex.InvalidValue);
        Assert.Equal(Json("{'x':1}"), db.Get("root").Node);
    }

    [Fact]
    public void Update_EntryTooDeep_ThrowsAndAppliesNothing()
    {
        var (db, _) = CreateDatabase();
        var deepKey = string.Join('/', Enumerable.Range(0, 30).Select(i => "k" + i));

        var ex = Assert.Throws<RealtimeValidationException>(() =>
            db.Update("root", new Dictionary<string, DataNode> { ["ok"] = 1, [deepKey] = Json("{'x':1}") }));

        Assert.Contains(deepKey, ex.Message, StringComparison.Ordinal);
        Assert.True(db.Root.IsNull);
    }

    [Fact]
    public void Set_ServerTimestamp_ResolvesFromTheTimeProvider()
    {
        var (db, time) = CreateDatabase();
        time.Advance(TimeSpan.FromMilliseconds(1234));

        db.Set("event", Json("{'at':{'.sv':'timestamp'},'name':'x'}"));

        Assert.Equal(Start.AddMilliseconds(1234).ToUnixTimeMilliseconds(), db.Get("event/at").Node.GetNumber());
        Assert.False(db.Root.ContainsServerValues);
    }

    [Fact]
    public void Set_Increment_AddsToTheCurrentNumberOrStartsFromTheDelta()
    {
        var (db, _) = CreateDatabase();

        db.Set("missing", ServerValue.Increment(5));
        db.Set("text", "abc");
        db.Set("text", ServerValue.Increment(2));
        db.Set("number", 10);
        db.Set("number", ServerValue.Increment(-2.5));

        Assert.Equal(5, db.Get("missing").Node.GetNumber());
        Assert.Equal(2, db.Get("text").Node.GetNumber());
        Assert.Equal(7.5, db.Get("number").Node.GetNumber());
    }

    [Fact]
    public void Update_Increment_ResolvesEachEntryAgainstItsOwnCurrentValue()
    {
        var (db, time) = CreateDatabase();
        db.Set("c", Json("{'a':1,'b':10}"));

        db.Update("c", new Dictionary<string, DataNode> { ["a"] = ServerValue.Increment(1), ["b"] = ServerValue.Increment(1), ["t"] = ServerValue.Timestamp });

        Assert.Equal(Json($"{{'a':2,'b':11,'t':{time.GetUtcNow().ToUnixTimeMilliseconds()}}}"), db.Get("c").Node);
    }

    [Fact]
    public void SetPriority_ExistingNode_SetsItAndOrdersByIt()
    {
        var (db, _) = CreateDatabase();
        db.Set("list", Json("{'a':1,'b':2,'c':3}"));

        db.SetPriority("list/a", 3);
        db.SetPriority("list/b", 1);
        db.SetPriority("list/c", "z");

        Assert.Equal(3, db.Get("list/a").Priority.GetNumber());
        var keys = db.Get(RealtimeQuery.At("list").OrderByPriority()).Children.Select(c => c.Key);
        Assert.Equal(["b", "a", "c"], keys);
        db.SetPriority("list/a", DataNode.Null);
        Assert.True(db.Get("list/a").Priority.IsNull);
    }

    [Fact]
    public void SetPriority_MissingNode_DoesNothing()
    {
        var (db, _) = CreateDatabase();
        db.Set("other", 1);
        var before = db.Root;

        db.SetPriority("missing", 5);

        Assert.Same(before, db.Root);
        Assert.False(db.Get("missing").Exists);
    }

    [Fact]
    public void SetPriority_ServerTimestampOrBadKind_ResolvesOrRejects()
    {
        var (db, time) = CreateDatabase();
        db.Set("a", 1);

        db.SetPriority("a", ServerValue.Timestamp);
        var ex = Assert.Throws<RealtimeValidationException>(() => db.SetPriority("a", true));

        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), db.Get("a").Priority.GetNumber());
        Assert.Contains("/a", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_SameMillisecond_IdsIncreaseAndAreChronological()
    {
        var (db, time) = CreateDatabase();
        var paths = new List<RealtimePath>();
        for (var i = 0; i < 50; i++)
        {
            paths.Add(db.Push("messages", i));
            if (i % 10 == 0)
            {
                time.Advance(TimeSpan.FromMilliseconds(1));
            }
        }

        var keys = paths.Select(p => p.Key!).ToList();
        Assert.All(keys, k => Assert.Equal(20, k.Length));
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Equal(keys, db.Get("messages").Node.Children.Keys);
        Assert.Equal(49, db.Get(paths[^1]).Node.GetNumber());
    }

    [Fact]
    public void CompareAndSet_ExpectedMatches_WritesAndReturnsNewValue()
    {
        var (db, _) = CreateDatabase();
        db.Set("n", 1);

        var ok = db.CompareAndSet("n", 1, ServerValue.Increment(10), out var current);

        Assert.True(ok);
        Assert.Equal(11, current.GetNumber());
        Assert.Equal(11, db.Get("n").Node.GetNumber());
    }

    [Fact]
    public void CompareAndSet_ExpectedDiffers_WritesNothingAndReturnsCurrent()
    {
        var (db, _) = CreateDatabase();
        db.Set("n", 2);

        var ok = db.CompareAndSet("n", 1, 100, out var current);

        Assert.False(ok);
        Assert.Equal(2, current.GetNumber());
        Assert.Equal(2, db.Get("n").Node.GetNumber());
        Assert.True(db.CompareAndSet("missing", DataNode.Null, "created", out _));
    }

    [Fact]
    public void Set_SameValueAgain_KeepsTheRoot()
    {
        var (db, _) = CreateDatabase();
        db.Set("a", Json("{'b':1}"));
        var before = db.Root;

        db.Set("a", Json("{'b':1}"));

        Assert.Same(before, db.Root);
    }

    [Fact]
    public void Set_ChildOfLargeObject_KeepsDepthConsistent()
    {
        var (db, _) = CreateDatabase();
        db.Set("o", Json("{'deep':{'x':{'y':1}},'flat':1}"));
        Assert.Equal(4, db.Root.Depth);

        db.Set("o/deep", 2);
        db.Set("o/other", 3);

        Assert.Equal(2, db.Root.Depth);
        Assert.Equal(DataNode.Parse("""{"o":{"deep":2,"flat":1,"other":3}}"""), db.Root);
    }
}
