using static RealtimeAdapters.InMemory.Tests.Store.StoreTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Store;

public sealed class InMemoryDatabaseWatchTests
{
    [Fact]
    public async Task Watch_ExistingChildren_SendsAddedInOrderThenValue()
    {
        var (db, _) = CreateDatabase();
        db.Set("items", Json("{'b':2,'a':1,'10':0,'2':0}"));

        await using var watcher = new Watcher(db, "items");

        Assert.Equal("added 2<- | added 10<2 | added a<10 | added b<a | value {'2':0,'10':0,'a':1,'b':2}", await watcher.NextBatchAsync());
    }

    [Fact]
    public async Task Watch_NothingThere_SendsOneNullValue()
    {
        var (db, _) = CreateDatabase();

        await using var watcher = new Watcher(db, RealtimeQuery.At("missing").OrderByChild("x").WithLimitToLast(2));

        var events = await watcher.DrainAsync();
        var only = Assert.Single(events);
        Assert.Equal(StoreEventKind.Value, only.Kind);
        Assert.False(only.Snapshot.Exists);
    }

    [Fact]
    public async Task Watch_ChildWrites_SendsChildEventsWithPreviousKeysThenOneValue()
    {
        var (db, _) = CreateDatabase();
        db.Set("items", Json("{'a':1,'c':3}"));
        await using var watcher = new Watcher(db, "items");
        await watcher.DrainAsync();

        db.Set("items/b", 2);
        Assert.Equal("added b<a | value {'a':1,'b':2,'c':3}", await watcher.NextBatchAsync());

        db.Set("items/c", 30);
        Assert.Equal("changed c<b | value {'a':1,'b':2,'c':30}", await watcher.NextBatchAsync());

        db.Set("items/a", DataNode.Null);
        Assert.Equal("removed a | value {'b':2,'c':30}", await watcher.NextBatchAsync());

        db.Set("items/c/deep", 1);
        Assert.Equal("changed c<b | value {'b':2,'c':{'deep':1}}", await watcher.NextBatchAsync());
    }

    [Fact]
    public async Task Watch_WriteChangingNothing_SendsNothing()
    {
        var (db, _) = CreateDatabase();
        db.Set("items", Json("{'a':1}"));
        await using var watcher = new Watcher(db, "items");
        await watcher.DrainAsync();

        db.Set("items/a", 1);
        db.Set("items", Json("{'a':1}"));
        db.Set("elsewhere", 1);

        Assert.Equal(0, watcher.Subscription.Count);
    }

    [Fact]
    public async Task Watch_AncestorAndDescendantWrites_ReachTheWatchedLocation()
    {
        var (db, _) = CreateDatabase();
        await using var watcher = new Watcher(db, "a/b", new WatchOptions { Events = StoreEventKind.Value });
        await watcher.DrainAsync();

        db.Set("/", Json("{'a':{'b':{'c':1}}}"));
        db.Set("a/b/c/d", 2);
        db.Set("a", Json("{'b':{'c':{'d':2}},'x':1}")); // same value at a/b: no event
        db.Set("a/b", DataNode.Null);

        Assert.Equal("value {'c':1} | value {'c':{'d':2}} | value null", await watcher.NextBatchAsync());
    }

    [Fact]
    public async Task Watch_LeafLocation_ReportsValueChanges()
    {
        var (db, _) = CreateDatabase();
        db.Set("n", 1);
        await using var watcher = new Watcher(db, "n");

        db.Set("n", 2);
        db.SetPriority("n", 5);

        Assert.Equal("value 1 | value 2 | value 2", await watcher.NextBatchAsync());
    }

    [Fact]
    public async Task Watch_MultiPathUpdate_SendsOneBatchWithOneValue()
    {
        var (db, _) = CreateDatabase();
        db.Set("items", Json("{'a':1,'b':2}"));
        await using var watcher = new Watcher(db, "items");
        await using var rootWatcher = new Watcher(db, "/", new WatchOptions { Events = StoreEventKind.Value });
        await watcher.DrainAsync();
        await rootWatcher.DrainAsync();

        db.Update("/", new Dictionary<string, DataNode> { ["items/a"] = DataNode.Null, ["items/b"] = 20, ["items/c"] = 3, ["other"] = 1 });

        Assert.Equal("removed a | added c<b | changed b<- | value {'b':20,'c':3}", await watcher.NextBatchAsync());
        Assert.Equal("value {'items':{'b':20,'c':3},'other':1}", await rootWatcher.NextBatchAsync());
    }

    [Fact]
    public async Task Watch_OrderByChild_ReportsMovesWithNewPreviousKeys()
    {
        var (db, _) = CreateDatabase();
        db.Set("scores", Json("{'a':{'s':1},'b':{'s':2},'c':{'s':3}}"));
        await using var watcher = new Watcher(db, RealtimeQuery.At("scores").OrderByChild("s"), new WatchOptions { Events = StoreEventKind.AllChildEvents });
        Assert.Equal("added a<- | added b<a | added c<b", await watcher.NextBatchAsync());

        db.Set("scores/a/s", 5);
        Assert.Equal("moved a<c | changed a<c", await watcher.NextBatchAsync());

        db.Set("scores/b/s", 4); // c 3, b 4, a 5
        Assert.Equal("moved b<c | changed b<c", await watcher.NextBatchAsync());

        db.Set("scores/c/s", 3.5); // the sort value changes but c stays first: no move
        Assert.Equal("changed c<-", await watcher.NextBatchAsync());

        db.Set("scores/c/other", true); // the sort value is unchanged
        Assert.Equal("changed c<-", await watcher.NextBatchAsync());
    }

    [Fact]
    public async Task Watch_LimitToLast_NewLastChildPushesTheOldestOut()
    {
        var (db, _) = CreateDatabase();
        db.Set("m", Json("{'a':1,'b':2,'c':3,'d':4}"));
        await using var watcher = new Watcher(db, RealtimeQuery.At("m").OrderByValue().WithLimitToLast(3));
        Assert.Equal("added b<- | added c<b | added d<c | value {'b':2,'c':3,'d':4}", await watcher.NextBatchAsync());

        db.Set("m/e", 5);
        Assert.Equal("removed b | added e<d | value {'c':3,'d':4,'e':5}", await watcher.NextBatchAsync());

        db.Set("m/d", DataNode.Null);
        Assert.Equal("removed d | added b<- | value {'b':2,'c':3,'e':5}", await watcher.NextBatchAsync());

        db.Set("m/a", 0); // below the window: nothing
        db.Set("m/a", 10); // jumps to the end: the first of the window leaves
        Assert.Equal("removed b | added a<e | value {'a':10,'c':3,'e':5}", await watcher.NextBatchAsync());
    }

    [Fact]
    public async Task Watch_LimitToFirst_ChildrenEnterAndLeaveTheWindow()
    {
        var (db, _) = CreateDatabase();
        db.Set("m", Json("{'a':1,'b':2,'c':3}"));
        await using var watcher = new Watcher(db, RealtimeQuery.At("m").OrderByValue().WithLimitToFirst(2));
        Assert.Equal("added a<- | added b<a | value {'a':1,'b':2}", await watcher.NextBatchAsync());

        db.Set("m/z", 0);
        Assert.Equal("removed b | added z<- | value {'a':1,'z':0}", await watcher.NextBatchAsync());

        db.Set("m/z", 9);
        Assert.Equal("removed z | added b<a | value {'a':1,'b':2}", await watcher.NextBatchAsync());

        db.Set("m/c", 1.5);
        Assert.Equal("removed b | added c<a | value {'a':1,'c':1.5}", await watcher.NextBatchAsync());

        db.Set("m/b", 2.5);
        Assert.Equal(0, watcher.Subscription.Count);
    }

    [Fact]
    public async Task Watch_Range_ChildrenEnterAndLeaveAsTheirValuesCross()
    {
        var (db, _) = CreateDatabase();
        db.Set("t", Json("{'a':{'n':1},'b':{'n':5},'c':{'n':9}}"));
        await using var watcher = new Watcher(db, RealtimeQuery.At("t").OrderByChild("n").WithStartAt(3).WithEndAt(7));
        Assert.Equal("added b<- | value {'b':{'n':5}}", await watcher.NextBatchAsync());

        db.Set("t/a/n", 4);
        Assert.Equal("added a<- | value {'a':{'n':4},'b':{'n':5}}", await watcher.NextBatchAsync());

        db.Set("t/b/n", 8);
        Assert.Equal("removed b | value {'a':{'n':4}}", await watcher.NextBatchAsync());

        db.Set("t/c/n", 10);
        db.Set("t/d", "string sorts after numbers");
        Assert.Equal(0, watcher.Subscription.Count);

        db.Set("t/c/n", 6);
        Assert.Equal("added c<a | value {'a':{'n':4},'c':{'n':6}}", await watcher.NextBatchAsync());
    }

    [Fact]
    public async Task Watch_EqualToWithLimit_KeepsAWindowOfMatches()
    {
        var (db, _) = CreateDatabase();
        db.Set("u", Json("{'a':{'g':'x'},'b':{'g':'y'},'c':{'g':'x'},'d':{'g':'x'}}"));
        await using var watcher = new Watcher(db, RealtimeQuery.At("u").OrderByChild("g").WithEqualTo("x").WithLimitToFirst(2));
        Assert.Equal("added a<- | added c<a | value {'a':{'g':'x'},'c':{'g':'x'}}", await watcher.NextBatchAsync());

        db.Set("u/a/g", "y");

        Assert.Equal("removed a | added d<c | value {'c':{'g':'x'},'d':{'g':'x'}}", await watcher.NextBatchAsync());
    }

    [Fact]
    public async Task Watch_LocationReplacedByLeaf_RemovesEveryChild()
    {
        var (db, _) = CreateDatabase();
        db.Set("m", Json("{'a':1,'b':2}"));
        await using var watcher = new Watcher(db, "m");
        await using var window = new Watcher(db, RealtimeQuery.At("m").OrderByKey().WithLimitToFirst(1));
        await watcher.DrainAsync();
        await window.DrainAsync();

        db.Set("m", "leaf");

        Assert.Equal("removed a | removed b | value 'leaf'", await watcher.NextBatchAsync());
        Assert.Equal("removed a | value null", await window.NextBatchAsync());
    }

    [Fact]
    public async Task Watch_EventFilter_DeliversOnlyTheChosenKinds()
    {
        var (db, _) = CreateDatabase();
        db.Set("m", Json("{'a':1}"));
        await using var watcher = new Watcher(db, "m", new WatchOptions { Events = StoreEventKind.ChildRemoved | StoreEventKind.Value });
        Assert.Equal("value {'a':1}", await watcher.NextBatchAsync());

        db.Set("m/b", 2);
        db.Set("m/a", DataNode.Null);

        Assert.Equal("value {'a':1,'b':2} | removed a | value {'b':2}", await watcher.NextBatchAsync());
    }

    [Fact]
    public async Task Watch_SnapshotsHeldAcrossWrites_NeverChange()
    {
        var (db, _) = CreateDatabase();
        db.Set("doc", Json("{'title':'one','tags':{'a':true}}"));
        await using var watcher = new Watcher(db, "doc");
        var initial = (await watcher.DrainAsync()).Last().Snapshot;
        var read = db.Get("doc");

        db.Set("doc/title", "two");
        db.Set("doc/tags/b", true);
        db.Update("doc", new Dictionary<string, DataNode> { ["tags/a"] = DataNode.Null, ["title"] = "three" });

        Assert.Equal("{\"tags\":{\"a\":true},\"title\":\"one\"}", initial.ToJsonString());
        Assert.Equal("{\"tags\":{\"a\":true},\"title\":\"one\"}", read.ToJsonString());
        var batches = await watcher.DrainAsync();
        var changes = batches.Where(e => e.Kind == StoreEventKind.ChildChanged).Select(e => e.Snapshot.Node.ToJsonString().Replace('"', '\''));
        Assert.Equal(["'two'", "{'a':true,'b':true}", "{'b':true}", "'three'"], changes);
    }

    [Fact]
    public async Task Watch_Disposed_StopsReceivingAndUnregisters()
    {
        var (db, _) = CreateDatabase();
        var watcher = new Watcher(db, "m");
        await watcher.DrainAsync();

        await watcher.DisposeAsync();
        db.Set("m/a", 1);

        Assert.False(watcher.Subscription.IsActive);
        Assert.Equal(0, watcher.Subscription.Count);
    }

    [Fact]
    public async Task Watch_SlowSubscriberOverflows_OtherSubscriberGetsEveryEvent()
    {
        var (db, _) = CreateDatabase();
        await using var slow = new Watcher(db, "n", new WatchOptions { Buffer = new SubscriptionBufferOptions { Capacity = 2 } });
        await using var fast = new Watcher(db, "n");

        var seen = new List<double>();
        for (var i = 1; i <= 20; i++)
        {
            db.Set("n", i);
            foreach (var e in await fast.DrainAsync())
            {
                if (e.Snapshot.Exists)
                {
                    seen.Add(e.Snapshot.Node.GetNumber());
                }
            }
        }

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (double)i), seen);
        Assert.True(await slow.Reader.MoveNextAsync()); // the events queued before the overflow are still delivered
        Assert.True(await slow.Reader.MoveNextAsync());
        await Assert.ThrowsAsync<SubscriptionOverflowException>(async () => await slow.Reader.MoveNextAsync());
        await Assert.ThrowsAsync<SubscriptionOverflowException>(() => slow.Subscription.Completion.WaitAsync(WaitTimeout, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Watch_DropOldestPolicy_KeepsTheNewestEvents()
    {
        var (db, _) = CreateDatabase();
        await using var watcher = new Watcher(db, "n", new WatchOptions
        {
            Events = StoreEventKind.Value,
            Buffer = new SubscriptionBufferOptions { Capacity = 3, OverflowPolicy = BufferOverflowPolicy.DropOldest },
        });

        for (var i = 1; i <= 10; i++)
        {
            db.Set("n", i);
        }

        Assert.True(watcher.Subscription.IsActive);
        Assert.Equal("value 8 | value 9 | value 10", await watcher.NextBatchAsync());
    }

    [Fact]
    public async Task Watch_ManyWatchersOnOneQuery_EachGetsTheSameEvents()
    {
        var (db, _) = CreateDatabase();
        db.Set("m", Json("{'a':1,'b':2,'c':3}"));
        var query = RealtimeQuery.At("m").OrderByValue().WithLimitToLast(2);
        await using var first = new Watcher(db, query);
        db.Set("m/d", 4);
        await using var second = new Watcher(db, query);
        await using var unlimited = new Watcher(db, RealtimeQuery.At("m").OrderByValue());
        await first.DrainAsync();
        await second.DrainAsync();
        await unlimited.DrainAsync();

        db.Set("m/a", 5);

        var expected = "removed c | added a<d | value {'a':5,'d':4}";
        Assert.Equal(expected, await first.NextBatchAsync());
        Assert.Equal(expected, await second.NextBatchAsync());
        Assert.Equal("moved a<d | changed a<d | value {'a':5,'b':2,'c':3,'d':4}", await unlimited.NextBatchAsync());
    }

    [Fact]
    public async Task Watch_DefaultOrder_FollowsPriorities()
    {
        var (db, _) = CreateDatabase();
        db.Set("p", Json("{'a':{'.value':1,'.priority':2},'b':{'.value':2,'.priority':1}}"));
        await using var watcher = new Watcher(db, "p", new WatchOptions { Events = StoreEventKind.AllChildEvents });
        Assert.Equal("added b<- | added a<b", await watcher.NextBatchAsync());

        db.SetPriority("p/a", 0);

        Assert.Equal("moved a<- | changed a<-", await watcher.NextBatchAsync());
    }
}
