using static RealtimeAdapters.InMemory.Tests.Store.StoreTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Store;

/// <summary>
/// Checks the incremental window maintenance against the definition: after every random write, replaying the child
/// events a watcher received (added/moved after their previous key, removed) must give exactly the children that
/// <see cref="RealtimeQuery.Select"/> computes from scratch, in the same order and with the same values, and the last
/// value event must equal <see cref="RealtimeQuery.Apply"/>.
/// </summary>
public sealed class LiveWindowModelTests
{
    public static TheoryData<string> Queries => new()
    {
        "value",
        "value first 3",
        "value last 3",
        "child first 4",
        "child last 2",
        "child range",
        "child range last 2",
        "child equal first 2",
        "key last 3",
        "key range first 2",
        "priority last 3",
        "default",
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Watch_RandomWrites_ReplayedEventsMatchTheQueryResult(string name)
    {
        var query = name switch
        {
            "value" => RealtimeQuery.At("items").OrderByValue(),
            "value first 3" => RealtimeQuery.At("items").OrderByValue().WithLimitToFirst(3),
            "value last 3" => RealtimeQuery.At("items").OrderByValue().WithLimitToLast(3),
            "child first 4" => RealtimeQuery.At("items").OrderByChild("s").WithLimitToFirst(4),
            "child last 2" => RealtimeQuery.At("items").OrderByChild("s").WithLimitToLast(2),
            "child range" => RealtimeQuery.At("items").OrderByChild("s").WithStartAt(3).WithEndAt(7),
            "child range last 2" => RealtimeQuery.At("items").OrderByChild("s").WithStartAt(2, "k3").WithEndAt(8).WithLimitToLast(2),
            "child equal first 2" => RealtimeQuery.At("items").OrderByChild("s").WithEqualTo(5).WithLimitToFirst(2),
            "key last 3" => RealtimeQuery.At("items").OrderByKey().WithLimitToLast(3),
            "key range first 2" => RealtimeQuery.At("items").OrderByKey().WithStartAt("k2").WithLimitToFirst(2),
            "priority last 3" => RealtimeQuery.At("items").OrderByPriority().WithLimitToLast(3),
            _ => RealtimeQuery.At("items"),
        };

        var random = new Random(name.Length * 7919);
        var (db, _) = CreateDatabase();
        for (var i = 0; i < 8; i++)
        {
            db.Set($"items/k{i}", RandomChild(random));
        }

        await using var watcher = new Watcher(db, query);
        var model = new List<(string Key, DataNode Value)>();
        DataNode? lastValue = null;
        for (var step = 0; step < 400; step++)
        {
            var events = await watcher.DrainAsync();
            var batch = new List<StoreEvent>();
            foreach (var e in events)
            {
                if (e.Kind == StoreEventKind.Value)
                {
                    ApplyBatch(model, batch);
                    batch.Clear();
                    lastValue = e.Snapshot.Node;
                }
                else
                {
                    batch.Add(e);
                }
            }

            Assert.Empty(batch);

            var expected = query.Select(db.Root.GetAt(query.Path));
            Assert.Equal(
                string.Join(", ", expected.Select(kv => $"{kv.Key}={kv.Value.ToJsonString(export: true)}")),
                string.Join(", ", model.Select(kv => $"{kv.Key}={kv.Value.ToJsonString(export: true)}")));
            Assert.Equal(query.Apply(db.Root.GetAt(query.Path)), lastValue);

            RandomWrite(db, random);
        }
    }

    /// <summary>
    /// Replays one write's batch as a client would: removals first, then every added, moved or changed child is placed
    /// after its previous key (which refers to the final order), predecessors before successors.
    /// </summary>
    private static void ApplyBatch(List<(string Key, DataNode Value)> model, List<StoreEvent> batch)
    {
        var placed = new List<StoreEvent>();
        foreach (var e in batch)
        {
            var key = e.Snapshot.Key!;
            switch (e.Kind)
            {
                case StoreEventKind.ChildRemoved:
                    Assert.Equal(1, model.RemoveAll(m => m.Key == key));
                    break;
                case StoreEventKind.ChildAdded:
                    Assert.DoesNotContain(model, m => m.Key == key);
                    placed.Add(e);
                    break;
                case StoreEventKind.ChildMoved:
                case StoreEventKind.ChildChanged:
                    Assert.Contains(model, m => m.Key == key); // moved and changed children were in the window already
                    break;
            }
        }

        foreach (var e in batch.Where(e => e.Kind is StoreEventKind.ChildMoved or StoreEventKind.ChildChanged))
        {
            model.RemoveAll(m => m.Key == e.Snapshot.Key);
            placed.RemoveAll(p => p.Snapshot.Key == e.Snapshot.Key);
            placed.Add(e);
        }

        while (placed.Count > 0)
        {
            var next = placed.FindIndex(p => p.PreviousChildKey is null || model.Exists(m => m.Key == p.PreviousChildKey));
            Assert.True(next >= 0, $"No event's previous key is in the window: {placed.Describe()}");
            var e = placed[next];
            placed.RemoveAt(next);
            var at = e.PreviousChildKey is null ? 0 : model.FindIndex(m => m.Key == e.PreviousChildKey) + 1;
            model.Insert(at, (e.Snapshot.Key!, e.Snapshot.Node));
        }
    }

    private static DataNode RandomChild(Random random) => random.Next(10) switch
    {
        0 => "text" + random.Next(3),
        1 => random.Next(2) == 0,
        2 => Json($"{{'s':{random.Next(10)},'other':{random.Next(3)}}}"),
        3 => Json($"{{'.value':{random.Next(10)},'.priority':{random.Next(4)}}}"),
        4 => Json("{'other':1}"),
        _ => Json($"{{'s':{random.Next(10)}}}"),
    };

    private static void RandomWrite(InMemoryDatabase db, Random random)
    {
        var key = "k" + random.Next(12);
        switch (random.Next(12))
        {
            case 0:
                db.Set($"items/{key}", DataNode.Null);
                break;
            case 1:
                db.Update("items", new Dictionary<string, DataNode>
                {
                    [key] = RandomChild(random),
                    ["k" + (12 + random.Next(3))] = random.Next(3) == 0 ? DataNode.Null : RandomChild(random),
                    [$"k{random.Next(12)}x/s"] = random.Next(10),
                });
                break;
            case 2:
                var all = new Dictionary<string, DataNode>();
                for (var i = random.Next(12); i < 12; i += 1 + random.Next(3))
                {
                    all["k" + i] = RandomChild(random);
                }

                db.Set("items", DataNode.FromChildren(all));
                break;
            case 3:
                db.SetPriority($"items/{key}", random.Next(3) == 0 ? DataNode.Null : random.Next(5));
                break;
            case 4:
                db.Set("unrelated", random.Next(5));
                break;
            case 5:
                db.Set($"items/{key}/other", random.Next(3));
                break;
            default:
                db.Set($"items/{key}/s", random.Next(10));
                break;
        }
    }
}
