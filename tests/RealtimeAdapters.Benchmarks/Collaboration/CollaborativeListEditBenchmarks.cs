using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Collaboration;

namespace RealtimeAdapters.Benchmarks.Collaboration;

/// <summary>
/// A local edit through <see cref="CollaborativeList{T}"/> on a list of 20,000 elements: append, update by id, move by id
/// (the cost a user's edit pays before it is sent), with the list kept sorted as changes arrive.
/// </summary>
[MemoryDiagnoser]
[ShortInProcessConfig]
public class CollaborativeListEditBenchmarks
{
    private const int Size = 20_000;
    private CollaborativeList<string> _list = null!;
    private string[] _ids = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var document = new CollaborativeDocument(new CollaborativeDocumentOptions { ReplicaId = "a#bench", ClientId = "a" });
        _list = document.GetList<string>("list");
        _ids = [.. Enumerable.Range(0, Size).Select(i => _list.Add("item " + i))];
    }

    /// <summary>Append an element.</summary>
    [Benchmark]
    public string Append() => _list.Add("new " + _next++);

    /// <summary>Replace an element's value, by id.</summary>
    [Benchmark]
    public bool UpdateById() => _list.Update(_ids[_next++ % Size], "edited");

    /// <summary>Move an element to the middle, by id.</summary>
    [Benchmark]
    public bool MoveById() => _list.MoveTo(_ids[_next++ % Size], Size / 2);
}
