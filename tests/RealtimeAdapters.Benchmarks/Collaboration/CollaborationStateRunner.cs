using System.Globalization;
using System.Text;
using RealtimeAdapters.Collaboration;

namespace RealtimeAdapters.Benchmarks.Collaboration;

/// <summary>
/// State size after a long history, with and without compaction: the operation log as it is replicated (each operation's
/// JSON) against the compacted snapshot (live cells and removal markers), for <c>edits</c> random edits
/// (<see cref="CollaborationWorkload"/>), and both replicas' snapshots compared (they must be equal); then the snapshot
/// once a tombstone retention's horizon has passed every edit (removal tombstones purged).
/// Run: <c>dotnet run -c Release --project tests/RealtimeAdapters.Benchmarks -- --collaboration-state [--edits 100000]</c>.
/// </summary>
internal static class CollaborationStateRunner
{
    public static Task<int> RunAsync(string[] args)
    {
        var edits = RunnerOptions.Int(args, "--edits", 100_000);
        var operations = CollaborationWorkload.Record(edits);
        var log = operations.Sum(static o => (long)Encoding.UTF8.GetByteCount(o.ToJson()));
        var replica = CollaborationWorkload.Replica();
        foreach (var op in operations)
        {
            replica.Apply(CrdtOperation.Parse(op.ToJson()), senderKnown: false, sender: null);
        }

        var snapshot = replica.ExportSnapshot();
        var bytes = Encoding.UTF8.GetByteCount(snapshot);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"edits: {edits}; operations: {operations.Count}; log (JSON): {log / 1e6:F1} MB; snapshot: {bytes / 1e6:F1} MB ({replica.CellCount} cells); ratio {log / (double)bytes:F2}"));

        // With a tombstone retention whose horizon has passed every edit: the removal tombstones purged.
        var purged = DocumentState.ParseSnapshot(snapshot);
        purged.AdvanceHorizon(operations.Max(static o => o.Id.WallMilliseconds) + 1);
        var purgedBytes = Encoding.UTF8.GetByteCount(purged.ToSnapshotJson());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"snapshot with tombstones purged (horizon past every edit): {purgedBytes / 1e6:F1} MB ({purged.CellCount} cells)"));
        return Task.FromResult(0);
    }
}
