using static RealtimeAdapters.InMemory.Tests.Store.StoreTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Store;

public sealed class ObserveWritesTests
{
    [Fact]
    public void ObserveWrites_WritesAtAboveAndBelow_AreReportedInOrder()
    {
        var (db, _) = CreateDatabase();
        var seen = new List<string>();
        using var registration = db.ObserveWrites("a/b", w => seen.Add($"{w.Kind} {w.Path} {w.Value.ToJsonString()}"));

        db.Set("a/b/c", 1);
        db.Set("a", Json("{'b':{'c':2}}"));
        db.Set("a/b", 3);
        db.Set("other", 1);
        db.Set("a/x", 1); // a sibling: /a/b is untouched

        Assert.Equal(["Set /a/b/c 1", "Set /a {\"b\":{\"c\":2}}", "Set /a/b 3"], seen);
    }

    [Fact]
    public void ObserveWrites_Update_ReportsResolvedEntriesAndRoots()
    {
        var (db, time) = CreateDatabase();
        db.Set("c", Json("{'n':1}"));
        var before = db.Root;
        DatabaseWrite? write = null;
        using var registration = db.ObserveWrites("c", w => write = w);

        db.Update("c", new Dictionary<string, DataNode> { ["n"] = ServerValue.Increment(1), ["t/at"] = ServerValue.Timestamp });

        Assert.NotNull(write);
        Assert.Equal(DatabaseWriteKind.Update, write.Kind);
        Assert.Equal("/c", write.Path.ToString());
        Assert.Equal(2, write.Updates![RealtimePath.Parse("n")].GetNumber());
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), write.Updates[RealtimePath.Parse("t/at")].GetNumber());
        Assert.Same(before, write.OldRoot);
        Assert.Same(db.Root, write.NewRoot);
        Assert.Equal(db.Get("c").Node, write.Value);
    }

    [Fact]
    public void ObserveWrites_SetPriority_IsReportedAsSetOfTheNodeWithItsPriority()
    {
        var (db, _) = CreateDatabase();
        db.Set("p", "v");
        DatabaseWrite? write = null;
        using var registration = db.ObserveWrites("p", w => write = w);

        db.SetPriority("p", 7);

        Assert.Equal(DatabaseWriteKind.Set, write!.Kind);
        Assert.Equal(7, write.Value.Priority.GetNumber());
        Assert.Equal("v", write.Value.GetString());
    }

    [Fact]
    public void ObserveWrites_Disposed_StopsReporting()
    {
        var (db, _) = CreateDatabase();
        var count = 0;
        var registration = db.ObserveWrites("/", _ => count++);
        db.Set("a", 1);

        registration.Dispose();
        db.Set("a", 2);

        Assert.Equal(1, count);
    }

    [Fact]
    public void ObserveWrites_ObserverThatWrites_IsRefusedAndRemovedWithoutFailingTheWrite()
    {
        var (db, _) = CreateDatabase();
        var calls = 0;
        Exception? refused = null;
        using var registration = db.ObserveWrites("/", _ =>
        {
            calls++;
            try
            {
                db.Set("echo", 1);
            }
            catch (InvalidOperationException ex)
            {
                refused = ex;
                throw;
            }
        });
        var others = 0;
        using var other = db.ObserveWrites("a", _ => others++);

        db.Set("a", 1);
        db.Set("a", 2);

        Assert.NotNull(refused);
        Assert.Equal(1, calls);
        Assert.Equal(2, others);
        Assert.False(db.Get("echo").Exists);
        Assert.Equal(2, db.Get("a").Node.GetNumber());
    }

    [Fact]
    public void ObserveWrites_WithInitial_GetsTheValueBeforeTheFirstReportedWrite()
    {
        var (db, _) = CreateDatabase();
        db.Set("a/b", 1);
        var seen = new List<string>();
        using var registration = db.ObserveWrites("a", initial => seen.Add("initial " + initial.ToJsonString()), w => seen.Add("write " + w.Value.ToJsonString()));
        db.Set("a/b", 2);

        Assert.Equal(["initial {\"b\":1}", "write 2"], seen);
    }

    [Fact]
    public void ObserveWrites_InitialThrows_NothingStaysRegistered()
    {
        var (db, _) = CreateDatabase();
        var writes = 0;
        Assert.Throws<InvalidOperationException>(() => db.ObserveWrites("a", _ => throw new InvalidOperationException("no"), _ => writes++));
        db.Set("a", 1);

        Assert.Equal(0, writes);
    }
}
