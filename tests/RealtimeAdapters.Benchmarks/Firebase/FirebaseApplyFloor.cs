using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace RealtimeAdapters.Benchmarks.Firebase;

/// <summary>
/// A lower bound for <see cref="FirebaseStreamApplyBenchmarks.ApplyEvents"/>: the same 1,000 SSE <c>put</c> events over a
/// list of <see cref="Children"/> children, each formatted, encoded and parsed the same way (the event's JSON document,
/// its path, the child's <see cref="DataNode"/>), then applied to the least a client can keep: a mutable hash map from
/// key to value, no ordering, no snapshots of the list, no engine, one event object per change. Nothing here is the
/// provider's code; it shows how the cost of any client that keeps the new values grows with the list on this runtime
/// (the values outlive the young generation at 100,000 children, they do not at 100), so that the provider's ratio
/// between sizes can be read against the ratio no design avoids. <see cref="Keep"/> chooses what is kept:
/// <list type="bullet">
/// <item><see cref="FloorStore.Values"/>: a mutable hash map of parsed values.</item>
/// <item><see cref="FloorStore.Utf8"/>: the same map keeping each child's JSON bytes (one object) instead of its
/// <see cref="DataNode"/> (four objects for this record): how much of the growth is the number of objects each event
/// leaves alive.</item>
/// <item><see cref="FloorStore.SortedMap"/>: an immutable map sorted in key order (<see cref="ImmutableSortedDictionary{TKey, TValue}"/>),
/// replaced on each event, the old version dropped: the least a client pays for snapshots of the list that stay valid
/// and for children in key order, with no engine, index or previous-key lookup.</item>
/// <item><see cref="FloorStore.DataNodeTree"/>: the list as a <see cref="DataNode"/> (the provider's own storage), each
/// event one <see cref="DataNode.SetChild(string, DataNode)"/>: the provider's tree without its engine.</item>
/// </list>
/// </summary>
[ShortInProcessConfig]
public class FirebaseApplyFloor
{
    private const int EventsPerInvoke = 1000;

    private readonly List<StoreEvent> _raised = new(EventsPerInvoke);
    private readonly RealtimePath _list = RealtimePath.Parse("/bench/list");
    private Dictionary<string, object> _children = null!;
    private ImmutableSortedDictionary<string, DataNode> _sorted = null!;
    private DataNode _tree = null!;
    private long _next;

    /// <summary>The size of the list.</summary>
    [Params(100, 10_000, 100_000)]
    public int Children { get; set; }

    /// <summary>What the floor keeps of the list.</summary>
    [Params(FloorStore.Values, FloorStore.Utf8, FloorStore.SortedMap, FloorStore.DataNodeTree)]
    public FloorStore Keep { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Only the store this run measures holds the list: each run's heap holds one list, as the provider's does.
        _children = new Dictionary<string, object>(Children, StringComparer.Ordinal);
        var sorted = ImmutableSortedDictionary.CreateBuilder<string, DataNode>(KeyComparer.Instance);
        for (var i = 0; i < Children; i++)
        {
            var json = string.Create(CultureInfo.InvariantCulture, $"{{\"title\":\"item {i}\",\"done\":false}}");
            switch (Keep)
            {
                case FloorStore.Values:
                    _children[Key(i)] = DataNode.Parse(json);
                    break;
                case FloorStore.Utf8:
                    _children[Key(i)] = Encoding.UTF8.GetBytes(json);
                    break;
                default:
                    sorted[Key(i)] = DataNode.Parse(json);
                    break;
            }
        }

        _sorted = Keep == FloorStore.SortedMap ? sorted.ToImmutable() : ImmutableSortedDictionary<string, DataNode>.Empty;
        _tree = Keep == FloorStore.DataNodeTree ? DataNode.FromChildren(sorted) : DataNode.Null;
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public int Apply()
    {
        for (var i = 0; i < EventsPerInvoke; i++)
        {
            // The same events as ApplyEvents: a new value each time, on a prime stride over the list.
            var n = ++_next;
            var put = Encoding.UTF8.GetBytes($"{{\"path\":\"/{Key((int)(n * 7919 % Children))}\",\"data\":{{\"title\":\"edit {n}\",\"done\":true}}}}");
            using var document = JsonDocument.Parse(put);
            var key = document.RootElement.GetProperty("path").GetString()![1..];
            var data = document.RootElement.GetProperty("data");
            if (Keep is FloorStore.SortedMap or FloorStore.DataNodeTree)
            {
                ApplyPersistent(key, DataNode.FromJson(data));
                continue;
            }

            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_children, key, out _);
            if (Keep == FloorStore.Utf8)
            {
                var bytes = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(data);
                if (slot is not byte[] old || !bytes.SequenceEqual(old))
                {
                    slot = bytes.ToArray();
                    _raised.Add(new StoreEvent(StoreEventKind.ChildChanged, new DataSnapshot(_list.Child(key), DataNode.True)));
                }

                continue;
            }

            var value = DataNode.FromJson(data);
            if (!value.Equals(slot))
            {
                slot = value;
                _raised.Add(new StoreEvent(StoreEventKind.ChildChanged, new DataSnapshot(_list.Child(key), value)));
            }
        }

        // Like the provider's listener, which reads the batch after it was raised.
        var count = _raised.Count;
        _raised.Clear();
        return count;
    }

    private void ApplyPersistent(string key, DataNode value)
    {
        var old = Keep == FloorStore.SortedMap ? _sorted.GetValueOrDefault(key) : _tree.TryGetChild(key, out var child) ? child : null;
        if (value.Equals(old))
        {
            return;
        }

        if (Keep == FloorStore.SortedMap)
        {
            _sorted = _sorted.SetItem(key, value);
        }
        else
        {
            _tree = _tree.SetChild(key, value);
        }

        _raised.Add(new StoreEvent(StoreEventKind.ChildChanged, new DataSnapshot(_list.Child(key), value)));
    }

    private static string Key(int i) => "item" + i.ToString("D6", CultureInfo.InvariantCulture);
}

/// <summary>What <see cref="FirebaseApplyFloor"/> keeps of the list.</summary>
public enum FloorStore
{
    /// <summary>A mutable hash map of parsed values.</summary>
    Values,

    /// <summary>A mutable hash map of each child's JSON bytes.</summary>
    Utf8,

    /// <summary>An immutable map in key order, replaced on each event.</summary>
    SortedMap,

    /// <summary>The list as an immutable <see cref="DataNode"/>, the provider's storage.</summary>
    DataNodeTree,
}
