using System.Text.Json;
using CsCheck;
using RealtimeAdapters.Collaboration;

namespace RealtimeAdapters.Collaboration.Tests;

/// <summary>
/// Property-based tests: random histories of edits on 2 to 4 replicas, delivered in random orders with duplication and
/// partitions, always converge, lose no edit, keep each insert between its neighbours, and never duplicate a moved element.
/// </summary>
public sealed class ConvergenceProperties
{
    private static readonly Gen<(int Replicas, int[] Steps, int Seed)> Histories =
        Gen.Select(Gen.Int[2, 4], Gen.Int[0, int.MaxValue].Array[10, 150], Gen.Int);

    [Fact]
    public void RandomHistories_DeliveredInAnyOrderWithDuplicatesAndPartitions_Converge()
    {
        Histories.Sample((replicas, steps, seed) =>
        {
            var sim = Run(replicas, steps, seed, allowMoves: true);
            var expected = sim.Docs[0].ExportSnapshot();
            for (var i = 1; i < replicas; i++)
            {
                Assert.Equal(expected, sim.Docs[i].ExportSnapshot());
                Assert.Equal(sim.List(0).Items, sim.List(i).Items);
                Assert.Equal(sim.Set(0).ToList(), sim.Set(i).ToList());
                Assert.Equal(sim.Map(0).ToList(), sim.Map(i).ToList());
                Assert.Equal(sim.Register(0).Value, sim.Register(i).Value);
            }
        }, iter: 300);
    }

    [Fact]
    public void RandomHistories_NoEditIsLost_AndMovesNeverDuplicate()
    {
        Histories.Sample((replicas, steps, seed) =>
        {
            var sim = Run(replicas, steps, seed, allowMoves: true);
            var model = Model.From(sim.AllOps);
            for (var i = 0; i < replicas; i++)
            {
                var ids = sim.List(i).Items.Select(static item => item.Id).ToList();
                Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
                Assert.Equal(model.ListIds.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
                foreach (var item in sim.List(i).Items)
                {
                    Assert.Equal(model.ListValues[item.Id], item.Value);
                }

                Assert.Equal(model.SetElements.Order(), sim.Set(i).Order());
                Assert.Equal(model.Map.OrderBy(static kv => kv.Key, StringComparer.Ordinal), sim.Map(i).ToList());
                Assert.Equal(model.Register, sim.Register(i).Value);
            }
        }, iter: 300);
    }

    [Fact]
    public void RandomInsertHistories_EveryInsertStaysBetweenTheNeighboursItWasInsertedBetween()
    {
        Histories.Sample((replicas, steps, seed) =>
        {
            var sim = Run(replicas, steps, seed, allowMoves: false);
            var final = sim.List(0).Items.Select((item, index) => (item.Id, index)).ToDictionary(static t => t.Id, static t => t.index, StringComparer.Ordinal);
            foreach (var (left, id, right) in sim.InsertContexts)
            {
                if (!final.TryGetValue(id, out var position))
                {
                    continue; // removed
                }

                if (left is not null && final.TryGetValue(left, out var l))
                {
                    Assert.True(l < position, $"{id} was inserted after {left} but ended before it");
                }

                if (right is not null && final.TryGetValue(right, out var r))
                {
                    Assert.True(position < r, $"{id} was inserted before {right} but ended after it");
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void RandomHistories_WithTombstonesPurgedBelowTheHorizon_ConvergeAndNeverBringBackARemoval()
    {
        // A retention of a few steps: snapshots move the horizon often, and operations delivered late are refused.
        var stale = 0;
        Histories.Sample((replicas, steps, seed) =>
        {
            var sim = Run(replicas, steps, seed, allowMoves: true, retention: TimeSpan.FromMilliseconds(20));
            stale += sim.Stale;
            var expected = sim.Docs[0].ExportSnapshot();
            for (var i = 0; i < replicas; i++)
            {
                Assert.Equal(expected, sim.Docs[i].ExportSnapshot());
                Assert.Equal(sim.List(0).Items, sim.List(i).Items);
                Assert.Equal(sim.Set(0).ToList(), sim.Set(i).ToList());
                Assert.Equal(sim.Map(0).ToList(), sim.Map(i).ToList());
                AssertNoRemovalUndone(sim, i);
            }
        }, iter: 300);
        Assert.True(stale > 0, "no history delivered an operation older than the horizon: the property tested nothing");
    }

    [Fact]
    public void TombstonePurge_DropsRemovalMarkers_AndALateOperationCannotBringTheElementBack()
    {
        var sim = new Simulation(2, retention: TimeSpan.FromSeconds(10));
        var list = sim.List(0);
        var gone = list.Add(1);
        list.Add(2);
        sim.Heal(1);
        // Replica 1 moves the element while replica 0 removes it; the move reaches replica 0 only after the purge.
        var late = new List<CrdtOperation>();
        sim.Docs[1].OperationSink = late.Add;
        sim.Docs[1].GetList<int>("list").MoveTo(gone, 1);
        sim.Docs[1].GetList<int>("list").Update(gone, 9);
        Assert.True(list.Remove(gone));
        var tombstones = sim.Docs[0].CellCount;
        sim.Clocks[0].Advance(TimeSpan.FromSeconds(11));
        sim.Docs[0].ExportSnapshot();
        Assert.Equal(tombstones - 1, sim.Docs[0].CellCount); // the removal marker is gone
        foreach (var op in late)
        {
            var ex = Assert.Throws<OperationRejectedException>(() => sim.Docs[0].Apply(op, senderKnown: true, op.ClientId));
            Assert.Equal(RejectionReason.Stale, ex.Reason);
            Assert.Contains("horizon", ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal([2], list);
        // Replica 1's state (which still holds the element) merged with replica 0's snapshot loses it too.
        sim.Docs[1].Merge(DocumentState.ParseSnapshot(sim.Docs[0].ExportSnapshot()));
        Assert.Equal([2], sim.List(1));
        Assert.Equal(sim.Docs[0].ExportSnapshot(), sim.Docs[1].ExportSnapshot());
    }

    [Fact]
    public void ConcurrentMovesOfOneElement_LeaveItOnceAtTheLaterMove()
    {
        var sim = new Simulation(2);
        var a = sim.List(0);
        foreach (var v in new[] { 1, 2, 3, 4 })
        {
            a.Add(v);
        }

        sim.Heal(1);
        sim.Clocks[1].Advance(TimeSpan.FromMilliseconds(5));
        a.Move(0, 3);          // 2 3 4 1 on replica 0
        sim.List(1).Move(0, 1); // 2 1 3 4 on replica 1, later
        sim.Heal(2);
        Assert.Equal([2, 1, 3, 4], sim.List(0));
        Assert.Equal([2, 1, 3, 4], sim.List(1));
    }

    // Whatever was removed by an edit (applied at least by its author) is not visible: list elements, set adds, and map
    // values older than a removal of their key.
    private static void AssertNoRemovalUndone(Simulation sim, int replica)
    {
        using var snapshot = JsonDocument.Parse(sim.Docs[replica].ExportSnapshot());
        var objects = snapshot.RootElement.GetProperty("o");
        var removed = sim.AllOps.SelectMany(static op => op.Cells.Select(c => (op.ObjectName, c.Key, c.Value, op.Id))).ToList();
        foreach (var item in sim.List(replica).Items)
        {
            Assert.DoesNotContain(removed, r => r.ObjectName == "list" && r.Key == "d:" + item.Id);
        }

        if (objects.TryGetProperty("set", out var set))
        {
            foreach (var cell in set.GetProperty("c").EnumerateObject().Where(static c => c.Name.StartsWith("a:", StringComparison.Ordinal)))
            {
                Assert.DoesNotContain(removed, r => r.ObjectName == "set" && r.Key == "r:" + cell.Name[2..]);
            }
        }

        if (objects.TryGetProperty("map", out var map))
        {
            foreach (var cell in map.GetProperty("c").EnumerateObject().Where(static c => c.Value[1].ValueKind != JsonValueKind.Null))
            {
                Assert.True(HybridTimestamp.TryParse(cell.Value[0].GetString(), out var stamp));
                Assert.DoesNotContain(removed, r => r.ObjectName == "map" && r.Key == cell.Name && r.Value.ValueKind == JsonValueKind.Null && r.Id > stamp);
            }
        }
    }

    private static Simulation Run(int replicas, int[] steps, int seed, bool allowMoves, TimeSpan? retention = null)
    {
        var sim = new Simulation(replicas, allowMoves, retention);
        foreach (var step in steps)
        {
            sim.Step(step);
        }

        sim.Heal(seed);
        return sim;
    }

    /// <summary>What the edits imply, computed from all of them at once rather than by replaying.</summary>
    private sealed class Model
    {
        public HashSet<string> ListIds { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> ListValues { get; } = new(StringComparer.Ordinal);

        public List<int> SetElements { get; } = [];

        public Dictionary<string, int> Map { get; } = new(StringComparer.Ordinal);

        public int Register { get; private set; }

        public static Model From(List<CrdtOperation> ops)
        {
            var model = new Model();
            var latest = new Dictionary<(string, string), (HybridTimestamp Stamp, JsonElement Value)>();
            foreach (var op in ops)
            {
                foreach (var (key, value) in op.Cells)
                {
                    if (!latest.TryGetValue((op.ObjectName, key), out var existing) || existing.Stamp < op.Id)
                    {
                        latest[(op.ObjectName, key)] = (op.Id, value);
                    }
                }
            }

            foreach (var ((obj, key), (_, value)) in latest)
            {
                var rest = key.Length > 2 ? key[2..] : key;
                switch (obj)
                {
                    case "list" when key[0] == 'v' && !latest.ContainsKey((obj, "d:" + rest)):
                        model.ListIds.Add(rest);
                        model.ListValues[rest] = value.GetInt32();
                        break;
                    case "set" when key[0] == 'a' && !latest.ContainsKey((obj, "r:" + rest)) && !model.SetElements.Contains(value.GetInt32()):
                        model.SetElements.Add(value.GetInt32());
                        break;
                    case "map" when value.ValueKind != JsonValueKind.Null:
                        model.Map[rest] = value.GetInt32();
                        break;
                    case "reg":
                        model.Register = value.GetInt32();
                        break;
                }
            }

            return model;
        }
    }
}
