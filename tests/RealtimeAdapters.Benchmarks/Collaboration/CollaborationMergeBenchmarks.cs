using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Collaboration;

namespace RealtimeAdapters.Benchmarks.Collaboration;

/// <summary>
/// What a replica pays per remote operation (issue "Collaboration on any backend"): parsing the wire form and merging it
/// into a replica with the list, map and set viewed; and applying a duplicate (already merged: nothing changes). The
/// history is 10,000 random edits (<see cref="CollaborationWorkload"/>); each invocation merges all of them.
/// </summary>
[MemoryDiagnoser]
[ShortInProcessConfig]
public class CollaborationMergeBenchmarks
{
    private const int Edits = 10_000;
    private string[] _wire = [];
    private CrdtOperation[] _parsed = [];
    private CollaborativeDocument _replica = null!;
    private CollaborativeDocument _merged = null!;

    [GlobalSetup]
    public void Setup()
    {
        var operations = CollaborationWorkload.Record(Edits);
        _wire = [.. operations.Select(static o => o.ToJson())];
        _parsed = [.. _wire.Select(CrdtOperation.Parse)];
        _merged = CollaborationWorkload.Replica();
        foreach (var op in _parsed)
        {
            _merged.Apply(op, senderKnown: false, sender: null);
        }
    }

    [IterationSetup(Target = nameof(ParseAndMerge))]
    public void NewReplica() => _replica = CollaborationWorkload.Replica();

    /// <summary>Parse each operation's JSON and merge it into a replica that has not seen it.</summary>
    [Benchmark(OperationsPerInvoke = Edits)]
    public int ParseAndMerge()
    {
        var changed = 0;
        foreach (var json in _wire)
        {
            changed += _replica.Apply(CrdtOperation.Parse(json), senderKnown: false, sender: null) ? 1 : 0;
        }

        return changed;
    }

    /// <summary>Apply operations the replica already merged (redelivery): no change.</summary>
    [Benchmark(OperationsPerInvoke = Edits)]
    public int ApplyDuplicate()
    {
        var changed = 0;
        foreach (var op in _parsed)
        {
            changed += _merged.Apply(op, senderKnown: false, sender: null) ? 1 : 0;
        }

        return changed;
    }
}
