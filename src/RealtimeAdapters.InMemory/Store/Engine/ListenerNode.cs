namespace RealtimeAdapters.InMemory;

/// <summary>
/// One node of the listener trie: the watches and write observers registered at one path, and the child nodes keyed by
/// the next path segment. A write at P walks only the nodes on P's path and in P's subtree, so its cost grows with the
/// listeners it can affect, never with listeners elsewhere. Nodes exist only while something is registered at or below
/// them. Every member is used under the database's write lock; the watch and observer arrays are replaced, never
/// mutated, so a notification loop may safely run while a callback unregisters something.
/// </summary>
internal sealed class ListenerNode
{
    private ListenerNode(ListenerNode? parent, string? key, RealtimePath path)
    {
        Parent = parent;
        Key = key;
        Path = path;
    }

    public ListenerNode? Parent { get; }

    public string? Key { get; }

    public RealtimePath Path { get; }

    public Dictionary<string, ListenerNode>? Children { get; private set; }

    public QueryWatch[] Watches { get; private set; } = [];

    public WriteObserver[] Observers { get; private set; } = [];

    public List<ChildIndex>? Indexes { get; private set; }

    public bool HasSubscribers => Watches.Length > 0 || Observers.Length > 0;

    // Scratch state of the write being notified; valid when Stamp equals that write's number.
    public long Stamp { get; set; }

    /// <summary>The write replaced this location or an ancestor of it: any child may have changed.</summary>
    public bool AllChildren { get; set; }

    public string? FirstTouched { get; set; }

    /// <summary>The change of <see cref="FirstTouched"/> when the write named that child itself (no lookup needed).</summary>
    public ChildChange? FirstChange { get; set; }

    public HashSet<string>? MoreTouched { get; set; }

    public DataNode OldValue { get; set; } = DataNode.Null;

    public DataNode NewValue { get; set; } = DataNode.Null;

    public static ListenerNode CreateRoot() => new(null, null, RealtimePath.Root);

    public bool TryGetChild(string key, out ListenerNode child)
    {
        if (Children is { } children && children.TryGetValue(key, out var found))
        {
            child = found;
            return true;
        }

        child = null!;
        return false;
    }

    public ListenerNode GetOrAddDescendant(RealtimePath path)
    {
        var node = this;
        foreach (var key in path.Segments)
        {
            node.Children ??= new(StringComparer.Ordinal);
            if (!node.Children.TryGetValue(key, out var child))
            {
                child = new ListenerNode(node, key, node.Path.Child(key));
                node.Children.Add(key, child);
            }

            node = child;
        }

        return node;
    }

    /// <param name="key">The child a write changed something in.</param>
    /// <param name="change">The child's change when the write replaced that child itself, else null.</param>
    public void AddTouched(string key, ChildChange? change)
    {
        if (FirstTouched is null)
        {
            FirstTouched = key;
            FirstChange = change;
        }
        else if (string.Equals(FirstTouched, key, StringComparison.Ordinal))
        {
            // Touched again by another part of the write: only the trees know the child's final state.
            FirstChange = null;
        }
        else
        {
            (MoreTouched ??= new(StringComparer.Ordinal)).Add(key);
        }
    }

    public void ResetScratch(long stamp)
    {
        Stamp = stamp;
        AllChildren = false;
        FirstTouched = null;
        FirstChange = null;
        MoreTouched?.Clear();
    }

    public void AddWatch(QueryWatch watch) => Watches = [.. Watches, watch];

    public void RemoveWatch(QueryWatch watch) => Watches = Array.FindAll(Watches, w => !ReferenceEquals(w, watch));

    public void AddObserver(WriteObserver observer) => Observers = [.. Observers, observer];

    public void RemoveObserver(WriteObserver observer) => Observers = Array.FindAll(Observers, o => !ReferenceEquals(o, observer));

    public ChildIndex AcquireIndex(IndexKey key, DataNode currentValue)
    {
        Indexes ??= [];
        var index = Indexes.Find(i => i.Key == key);
        if (index is null)
        {
            index = new ChildIndex(key, currentValue);
            Indexes.Add(index);
        }

        index.Users++;
        return index;
    }

    public void ReleaseIndex(ChildIndex index)
    {
        if (--index.Users == 0)
        {
            Indexes!.Remove(index);
        }
    }

    /// <summary>Removes this node and its emptied ancestors from the trie once nothing is registered at or below them.</summary>
    public void PruneIfEmpty()
    {
        var node = this;
        while (node.Parent is { } parent && !node.HasSubscribers && node.Children is null or { Count: 0 })
        {
            parent.Children!.Remove(node.Key!);
            node = parent;
        }
    }
}
