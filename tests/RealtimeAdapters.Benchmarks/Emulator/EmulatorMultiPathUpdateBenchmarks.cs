using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Emulator.Firebase;
using RealtimeAdapters.Emulator.Firebase.Auth;
using RealtimeAdapters.Emulator.Firebase.Rules;

namespace RealtimeAdapters.Benchmarks.Emulator;

/// <summary>
/// How long a multi-path update (a REST PATCH or a realtime merge) holds a namespace's write lock, which every other writer
/// waits for: <see cref="FirebaseWriter.Update"/> of N new children (each a small object) under open rules, beside one set
/// of an object with the same N children. Parsing the request body happens before the lock and is not measured.
/// </summary>
[ShortInProcessConfig]
public class EmulatorMultiPathUpdateBenchmarks
{
    private readonly FirebaseWriter _writer = new(new FirebaseEmulatorOptions(), TimeProvider.System);
    private readonly RealtimePath _path = RealtimePath.Parse("/items");
    private List<(RealtimePath Relative, DataNode Value)> _entries = null!;
    private DataNode _whole = null!;
    private FirebaseNamespace _ns = null!;

    [Params(10_000, 100_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var value = DataNode.Parse("""{"name":"item","n":1,"text":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}""");
        _entries = [.. Enumerable.Range(0, Keys).Select(i => (RealtimePath.Parse("k" + i.ToString("D6", CultureInfo.InvariantCulture)), value))];
        _whole = _entries.Aggregate(DataNode.Null, (node, e) => node.SetAt(e.Relative, e.Value));
    }

    // A fresh namespace per invocation: every update adds all N children, as the first PATCH of a list does.
    [IterationSetup]
    public void NewNamespace() => _ns = new FirebaseNamespaces(FirebaseRules.Open, TimeProvider.System, NullLogger.Instance).Get("bench");

    [Benchmark(Baseline = true)]
    public DataNode SetWholeObject() => _writer.Set(_ns, FirebaseIdentity.Anonymous, _path, _whole);

    [Benchmark]
    public IReadOnlyList<KeyValuePair<string, DataNode>> MultiPathUpdate() => _writer.Update(_ns, FirebaseIdentity.Anonymous, _path, _entries);
}
