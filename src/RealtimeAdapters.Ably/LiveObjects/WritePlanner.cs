using System.Security.Cryptography;
using RealtimeAdapters.Ably.Protocol.LiveObjects;

namespace RealtimeAdapters.Ably.LiveObjects;

/// <summary>
/// Turns JSON-tree writes into LiveObjects operations against the replica's current objects: each location that holds an
/// object is a LiveMap, each leaf a map entry. A map that exists is reused (its entries are diffed: keys the new value lacks
/// are removed); a missing one is created with the id <see cref="ObjectIds.ForEntry"/> gives its entry, the same on every client,
/// so two clients creating the same missing parent concurrently create one map and keep both entries (risk R1).
/// Every operation of a write travels in one OBJECT frame, so the service applies all of them or none.
/// </summary>
internal sealed class WritePlanner(ObjectPool pool, string providerName)
{
    private readonly List<ObjectOperation> _operations = [];

    // Maps linked or created by this plan, so that several writes below one missing parent create it once.
    private readonly Dictionary<(string Map, string Key), string> _linked = [];
    private readonly HashSet<string> _created = new(StringComparer.Ordinal);

    public IReadOnlyList<ObjectOperation> Operations => _operations;

    /// <summary>Adds the operations that make <paramref name="path"/> hold <paramref name="value"/> (null deletes).</summary>
    /// <exception cref="RealtimeNotSupportedException">The value holds a priority or a server value.</exception>
    public void Write(RealtimePath path, DataNode value)
    {
        Check(value);
        if (path.IsRoot)
        {
            if (value.IsLeaf)
            {
                throw new RealtimeValidationException($"Invalid write at /: the root of a LiveObjects store is a map; write a leaf below it.", "/");
            }

            WriteChildren(ObjectIds.Root, RealtimePath.Root, value);
            return;
        }

        var map = ObjectIds.Root;
        var segments = path.Segments;
        for (var i = 0; i < segments.Count - 1; i++)
        {
            if (LinkedMap(map, segments[i]) is { } existing)
            {
                map = existing;
            }
            else if (value.IsNull)
            {
                // Deleting below a location that holds no map deletes nothing.
                return;
            }
            else
            {
                map = CreateMap(map, segments[i]);
            }
        }

        WriteAt(map, segments[^1], path, value);
    }

    private void WriteAt(string map, string key, RealtimePath path, DataNode value)
    {
        if (value.IsNull)
        {
            if (IsLive(map, key))
            {
                _operations.Add(new ObjectOperation { Action = ObjectOperationAction.MapRemove, ObjectId = map, MapRemoveKey = key });
                _linked.Remove((map, key));
            }

            return;
        }

        if (value.IsLeaf)
        {
            _operations.Add(new ObjectOperation { Action = ObjectOperationAction.MapSet, ObjectId = map, MapSetKey = key, MapSetValue = ToData(value) });
            _linked.Remove((map, key));
            return;
        }

        var child = LinkedMap(map, key) ?? CreateMap(map, key);
        WriteChildren(child, path, value);
    }

    /// <summary>Makes the map <paramref name="map"/> hold exactly the children of <paramref name="value"/>.</summary>
    private void WriteChildren(string map, RealtimePath path, DataNode value)
    {
        if (pool.TryGet(map, out var current))
        {
            foreach (var (key, entry) in current.Entries)
            {
                if (!entry.Tombstone && !value.HasChild(key) && RealtimeKeys.IsValid(key))
                {
                    WriteAt(map, key, path.Child(key), DataNode.Null);
                }
            }
        }

        foreach (var (key, child) in value.EnumerateChildren())
        {
            WriteAt(map, key, path.Child(key), child);
        }
    }

    /// <summary>The live map entry <paramref name="key"/> of <paramref name="map"/> references, or null.</summary>
    private string? LinkedMap(string map, string key)
    {
        if (_linked.TryGetValue((map, key), out var planned))
        {
            return planned;
        }

        return pool.TryGet(map, out var o) && o.Entries.TryGetValue(key, out var entry) && !entry.Tombstone &&
            entry.Data?.ObjectId is { } id && pool.TryGet(id, out var child) && child.IsMap && !child.Tombstone
            ? id
            : null;
    }

    private bool IsLive(string map, string key) =>
        _linked.ContainsKey((map, key)) || (pool.TryGet(map, out var o) && o.Entries.TryGetValue(key, out var entry) && !entry.Tombstone);

    /// <summary>Creates a map and links it as <paramref name="key"/> of <paramref name="parent"/>.</summary>
    private string CreateMap(string parent, string key)
    {
        // The entry the map replaces (a removal's tombstone, a leaf, a link to a deleted map) names its generation: a
        // location re-created after a removal gets a fresh map, the same on every client that saw the removal.
        var generation = pool.TryGet(parent, out var p) && p.Entries.TryGetValue(key, out var entry) ? entry.Timeserial ?? "initial" : null;
        var nonce = ObjectIds.EntryNonce(parent, key, generation);
        var id = ObjectIds.Create("map", ObjectIds.EmptyMapInitialValue, nonce, 0);
        if (pool.TryGet(id, out var existing) && existing.Tombstone)
        {
            // Deleted already (this generation's map was removed and its tombstone collected): a map of its own.
            nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
            id = ObjectIds.Create("map", ObjectIds.EmptyMapInitialValue, nonce, 0);
        }

        if (_created.Add(id) && !pool.TryGet(id, out _))
        {
            _operations.Add(new ObjectOperation
            {
                Action = ObjectOperationAction.MapCreate,
                ObjectId = id,
                MapCreateWithObjectId = new ObjectCreate(ObjectIds.EmptyMapInitialValue, nonce),
            });
        }

        _operations.Add(new ObjectOperation { Action = ObjectOperationAction.MapSet, ObjectId = parent, MapSetKey = key, MapSetValue = new ObjectData { ObjectId = id } });
        _linked[(parent, key)] = id;
        return id;
    }

    private static ObjectData ToData(DataNode leaf) => leaf.Kind switch
    {
        DataNodeKind.String => new ObjectData { String = leaf.GetString() },
        DataNodeKind.Number => new ObjectData { Number = leaf.GetNumber() },
        _ => new ObjectData { Boolean = leaf.GetBoolean() },
    };

    private void Check(DataNode value)
    {
        if (value.ContainsServerValues)
        {
            throw new RealtimeNotSupportedException(providerName, RealtimeCapabilities.ServerValues);
        }

        if (HasPriority(value))
        {
            throw new RealtimeNotSupportedException(providerName, RealtimeCapabilities.Priorities);
        }
    }

    private static bool HasPriority(DataNode value)
    {
        if (!value.Priority.IsNull)
        {
            return true;
        }

        foreach (var (_, child) in value.EnumerateChildren())
        {
            if (HasPriority(child))
            {
                return true;
            }
        }

        return false;
    }
}
