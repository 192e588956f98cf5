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

    private static Simulation Run(int replicas, int[] steps, int seed, bool allowMoves)
    {
        var sim = new Simulation(replicas, allowMoves);
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
