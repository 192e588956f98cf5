using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Collaboration;

namespace RealtimeAdapters.Benchmarks.Collaboration;

/// <summary>
/// A local append as a session makes it: the edit is written to the offline store before it is applied (so that an
/// edit that returned survives a crash). In memory against a SQLite file (one transaction per edit, WAL, on the
/// machine's temporary folder). The network send, in the background, is left out.
/// </summary>
[MemoryDiagnoser]
[ShortInProcessConfig]
public class DurableEditBenchmarks : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "bench-" + Guid.NewGuid().ToString("N") + ".db");
    private SqliteOfflineStore _sqlite = null!;
    private CollaborativeList<string> _inMemoryList = null!;
    private CollaborativeList<string> _sqliteList = null!;
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _sqlite = new SqliteOfflineStore(_file);
        await _sqlite.LoadAsync();
        _sqliteList = List(_sqlite);
        _inMemoryList = List(new InMemoryOfflineStore());
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _sqlite.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var f in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(f);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Append, the edit queued in memory first.</summary>
    [Benchmark(Baseline = true)]
    public string AppendInMemoryQueue() => _inMemoryList.Add("item " + _next++);

    /// <summary>Append, the edit committed to SQLite first.</summary>
    [Benchmark]
    public string AppendSqliteQueue() => _sqliteList.Add("item " + _next++);

    private static CollaborativeList<string> List(IOfflineStore queue)
    {
        var document = new CollaborativeDocument(new CollaborativeDocumentOptions { ReplicaId = "a#bench", ClientId = "a" });
        document.OperationSink = op => queue.Enqueue(new QueuedOperation(op.Id.ToString(), op.ToJson()));
        return document.GetList<string>("list");
    }
}
