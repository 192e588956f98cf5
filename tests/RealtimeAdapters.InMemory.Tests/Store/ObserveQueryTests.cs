using static RealtimeAdapters.InMemory.Tests.Store.StoreTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Store;

public sealed class ObserveQueryTests
{
    [Fact]
    public void ObserveQuery_Registered_ReportsCurrentStateBeforeReturning()
    {
        var (db, _) = CreateDatabase();
        db.Set("items", Json("{'b':2,'a':1}"));
        var seen = new List<StoreEvent>();

        using var registration = db.ObserveQuery(RealtimeQuery.At("items"), StoreEventKind.All, e => { seen.Add(e); return true; });

        Assert.Equal("added a<- | added b<a | value {'a':1,'b':2}", seen.Describe());
    }

    [Fact]
    public void ObserveQuery_LimitedWindow_ReportsEachWritesBatchEndingWithValue()
    {
        var (db, _) = CreateDatabase();
        db.Set("items", Json("{'a':{'n':1},'b':{'n':2},'c':{'n':3}}"));
        var seen = new List<StoreEvent>();
        using var registration = db.ObserveQuery(
            RealtimeQuery.At("items").OrderByChild("n").WithLimitToLast(2),
            StoreEventKind.ChildAdded | StoreEventKind.ChildRemoved | StoreEventKind.Value,
            e => { seen.Add(e); return true; });
        seen.Clear();

        db.Set("items/d", Json("{'n':4}"));

        Assert.Equal("removed b | added d<c | value {'c':{'n':3},'d':{'n':4}}", seen.Describe());
    }

    [Fact]
    public void ObserveQuery_ObserverReturnsFalse_IsNotCalledAgain()
    {
        var (db, _) = CreateDatabase();
        var calls = 0;
        using var registration = db.ObserveQuery(RealtimeQuery.At("items"), StoreEventKind.Value, _ => ++calls < 2);

        db.Set("items/a", 1);
        db.Set("items/b", 2);

        Assert.Equal(2, calls);
    }

    [Fact]
    public void ObserveQuery_ObserverThrows_EndsItsObservationWithoutFailingTheWrite()
    {
        var (db, _) = CreateDatabase();
        var calls = 0;
        using var registration = db.ObserveQuery(RealtimeQuery.At("items"), StoreEventKind.Value, _ => ++calls == 1 ? true : throw new InvalidOperationException("boom"));

        db.Set("items/a", 1);
        db.Set("items/b", 2);

        Assert.Equal(2, calls);
        Assert.Equal(Json("{'a':1,'b':2}"), db.Root.GetAt("items"));
    }

    [Fact]
    public void ObserveQuery_Disposed_StopsReporting()
    {
        var (db, _) = CreateDatabase();
        var calls = 0;
        var registration = db.ObserveQuery(RealtimeQuery.At("items"), StoreEventKind.Value, _ => { calls++; return true; });

        registration.Dispose();
        db.Set("items/a", 1);

        Assert.Equal(1, calls);
    }
}
