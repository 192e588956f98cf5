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
/// between sizes can be read against the ratio no design avoids. With <see cref="Utf8"/> the map keeps each child's JSON
/// bytes (one object) instead of its <see cref="DataNode"/> (four objects for this record): how much of that growth is
/// the number of objects each event leaves alive.
/// </summary>
[ShortInProcessConfig]
public class FirebaseApplyFloor
{
    private const int EventsPerInvoke = 1000;

    private readonly List<StoreEvent> _raised = new(EventsPerInvoke);
    private readonly RealtimePath _list = RealtimePath.Parse("/bench/list");
    private Dictionary<string, object> _children = null!;
    private long _next;

    /// <summary>The size of the list.</summary>
    [Params(100, 10_000, 100_000)]
    public int Children { get; set; }

    /// <summary>Whether the map keeps each child's JSON bytes rather than its parsed value.</summary>
    [Params(false, true)]
    public bool Utf8 { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _children = new Dictionary<string, object>(Children, StringComparer.Ordinal);
        for (var i = 0; i < Children; i++)
        {
            var json = string.Create(CultureInfo.InvariantCulture, $"{{\"title\":\"item {i}\",\"done\":false}}");
            _children[Key(i)] = Utf8 ? Encoding.UTF8.GetBytes(json) : DataNode.Parse(json);
        }
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public int ApplyToHashMap()
    {
        for (var i = 0; i < EventsPerInvoke; i++)
        {
            // The same events as ApplyEvents: a new value each time, on a prime stride over the list.
            var n = ++_next;
            var put = Encoding.UTF8.GetBytes($"{{\"path\":\"/{Key((int)(n * 7919 % Children))}\",\"data\":{{\"title\":\"edit {n}\",\"done\":true}}}}");
            using var document = JsonDocument.Parse(put);
            var key = document.RootElement.GetProperty("path").GetString()![1..];
            var data = document.RootElement.GetProperty("data");
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_children, key, out _);
            if (Utf8)
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

    private static string Key(int i) => "item" + i.ToString("D6", CultureInfo.InvariantCulture);
}
