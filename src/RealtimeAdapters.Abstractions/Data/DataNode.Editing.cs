using System.Collections.Immutable;

namespace RealtimeAdapters;

// DataNode: immutable edits (children, paths, batches of writes, priorities, server values).
public sealed partial class DataNode
{
    /// <summary>
    /// Returns this node with the child at <paramref name="key"/> replaced; <see cref="Null"/> removes it. A leaf becomes an
    /// object (keeping its priority); an object left without children becomes <see cref="Null"/>.
    /// </summary>
    /// <param name="key">A valid key.</param>
    /// <param name="child">The new child.</param>
    public DataNode SetChild(string key, DataNode child)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(child);
        return SetChild(key, child, out _);
    }

    // One walk of the child map replaces the child and finds the one it replaces: in a large object each walk costs a
    // cache miss or two per level, so a lookup before the replacement would double the cost.
    private DataNode SetChild(string key, DataNode child, out DataNode previous)
    {
        if (_value is not ImmutableSortedDictionary<string, DataNode> children)
        {
            var small = _value as KeyValuePair<string, DataNode>[];
            var at = small is null ? -1 : IndexOf(small, small.Length, key);
            previous = at >= 0 ? small![at].Value : Null;
            return SetSmallChild(key, child, at);
        }

        if (child.IsNull)
        {
            var had = children.TryGetValue(key, out var removed);
            previous = removed ?? Null;
            return had ? WithChildren(Shrunk(children.Remove(key)), removed, child) : this;
        }

        // SetItem compares the old and new values with the dictionary's value comparer to skip no-op replacements; with
        // structural equality that walks both subtrees (every child of a large object). A comparer by reference that notes
        // the old value it is shown spares the lookup. Swapping comparers is O(1) and the caller's tree keeps the default.
        var seen = new ReplacedChild(child);
        var replaced = children.WithComparers(children.KeyComparer, seen).SetItem(key, child);
        var hadChild = replaced.Count == children.Count;

        // (Should SetItem ever replace a value without comparing, the old one is looked up.)
        var existing = hadChild ? seen.Existing ?? children[key] : null;
        previous = existing ?? Null;
        return hadChild && ReferenceEquals(existing, child)
            ? this
            : WithChildren(replaced.WithComparers(children.KeyComparer, children.ValueComparer), existing, child);
    }

    // The child's current value is known to the caller (a descent along a path already looked it up).
    private DataNode SetChild(string key, DataNode child, bool hadChild, DataNode? existing)
    {
        if (_value is not ImmutableSortedDictionary<string, DataNode> children)
        {
            var small = _value as KeyValuePair<string, DataNode>[];
            return SetSmallChild(key, child, hadChild ? IndexOf(small!, small!.Length, key) : -1);
        }

        if (child.IsNull)
        {
            return hadChild ? WithChildren(Shrunk(children.Remove(key)), existing, child) : this;
        }

        if (hadChild && ReferenceEquals(existing, child))
        {
            return this;
        }

        children = children
            .WithComparers(children.KeyComparer, ReferenceEqualityComparer.Instance)
            .SetItem(key, child)
            .WithComparers(children.KeyComparer, children.ValueComparer);
        return WithChildren(children, hadChild ? existing : null, child);
    }

    // A leaf or an object in the small form: the child at `at` (-1 when absent) replaced by `child`.
    private DataNode SetSmallChild(string key, DataNode child, int at)
    {
        var small = _value as KeyValuePair<string, DataNode>[];
        if (at < 0)
        {
            return child.IsNull ? this : WithChildren(small is null ? new KeyValuePair<string, DataNode>[] { new(key, child) } : Inserted(small, key, child), null, child);
        }

        var existing = small![at].Value;
        if (ReferenceEquals(existing, child))
        {
            return this;
        }

        return child.IsNull
            ? small.Length == 1 ? Null : WithChildren(Removed(small, at), existing, child)
            : WithChildren(Replaced(small, at, key, child), existing, child);
    }

    // This node with new children (an array in key order or a dictionary, never empty), where `child` replaced `existing`
    // (null when there was none).
    private DataNode WithChildren(object children, DataNode? existing, DataNode child)
    {
        // The depth is kept incrementally so that replacing one child of a large object costs O(log n), not a scan of
        // every sibling; only losing the deepest child forces a rescan.
        var depth = Kind == DataNodeKind.Object ? Depth : 0;
        var lostDeepest = existing is not null && existing.Depth + 1 == depth && (child.IsNull || child.Depth + 1 < depth);
        if (lostDeepest)
        {
            return children is KeyValuePair<string, DataNode>[] small
                ? FromSmall(small, Priority)
                : FromBuilt((ImmutableSortedDictionary<string, DataNode>)children, Priority);
        }

        return new(DataNodeKind.Object, children, _priority, CheckDepth(Math.Max(depth, child.Depth + 1)));
    }

    /// <summary>Returns this node with the value at <paramref name="relativePath"/> replaced, pruning emptied ancestors.</summary>
    /// <param name="relativePath">Where to write, relative to this node.</param>
    /// <param name="value">The new value; <see cref="Null"/> deletes.</param>
    public DataNode SetAt(RealtimePath relativePath, DataNode value)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(value);
        return SetAt(relativePath.Segments, 0, value);
    }

    /// <summary>
    /// Returns this node with the value at <paramref name="relativePath"/> replaced, as
    /// <see cref="SetAt(RealtimePath, DataNode)"/> does, and gives the value that was there, found on the same descent: a
    /// write that needs the old value (to report the change) walks each child map on the path once, not twice.
    /// </summary>
    /// <param name="relativePath">Where to write, relative to this node.</param>
    /// <param name="value">The new value; <see cref="Null"/> deletes.</param>
    /// <param name="previous">The value that was at <paramref name="relativePath"/>, or <see cref="Null"/>.</param>
    public DataNode SetAt(RealtimePath relativePath, DataNode value, out DataNode previous)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(value);
        return SetAt(relativePath.Segments, 0, value, out previous);
    }

    /// <summary>
    /// Returns this node with the values at several disjoint relative paths replaced (<see cref="Null"/> deletes,
    /// emptied ancestors are pruned), as successive <see cref="SetAt(RealtimePath, DataNode)"/> calls would, but visiting
    /// each node on the way once: a multi-path update of many children of one parent rebuilds that parent in one pass.
    /// </summary>
    /// <param name="writes">Relative paths and values; no path may be another's ancestor or equal to it.</param>
    public DataNode SetAll(IReadOnlyList<KeyValuePair<RealtimePath, DataNode>> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0)
        {
            return this;
        }

        if (writes.Count == 1)
        {
            return SetAt(writes[0].Key, writes[0].Value);
        }

        var sorted = writes.ToArray();
        Array.Sort(sorted, static (a, b) => a.Key.CompareTo(b.Key));
        return SetSorted(sorted, 0, sorted.Length, 0);
    }

    private DataNode SetSorted(KeyValuePair<RealtimePath, DataNode>[] writes, int from, int to, int depth)
    {
        if (to - from == 1 && writes[from].Key.Depth == depth)
        {
            return writes[from].Value;
        }

        // In segment order the writes below one child are neighbours: each group becomes that child's new value.
        var changes = new List<KeyValuePair<string, DataNode>>();
        for (var i = from; i < to;)
        {
            var key = writes[i].Key.Segments[depth];
            var j = i + 1;
            while (j < to && string.Equals(writes[j].Key.Segments[depth], key, StringComparison.Ordinal))
            {
                j++;
            }

            var current = GetChild(key);
            var updated = current.SetSorted(writes, i, j, depth + 1);
            if (!ReferenceEquals(updated, current))
            {
                changes.Add(new(key, updated));
            }

            i = j;
        }

        if (changes.Count == 0)
        {
            return this;
        }

        // A few changes in a large object: one O(log n) replacement each. Many: one pass of a builder.
        if (changes.Count <= 8 || changes.Count * 16 < ChildCount)
        {
            var node = this;
            foreach (var (key, child) in changes)
            {
                node = node.SetChild(key, child);
            }

            return node;
        }

        var children = Children;
        var builder = children.WithComparers(children.KeyComparer, ReferenceEqualityComparer.Instance).ToBuilder();
        foreach (var (key, child) in changes)
        {
            if (child.IsNull)
            {
                builder.Remove(key);
            }
            else
            {
                builder[key] = child;
            }
        }

        return FromBuilt(builder.ToImmutable().WithComparers(children.KeyComparer, children.ValueComparer), _priority);
    }

    private DataNode SetAt(IReadOnlyList<string> segments, int index, DataNode value) => SetAt(segments, index, value, out _);

    private DataNode SetAt(IReadOnlyList<string> segments, int index, DataNode value, out DataNode previous)
    {
        if (index == segments.Count)
        {
            previous = this;
            return value;
        }

        var key = segments[index];
        if (index == segments.Count - 1)
        {
            return SetChild(key, value, out previous);
        }

        var hadChild = TryGetChild(key, out var current);
        var updated = current.SetAt(segments, index + 1, value, out previous);
        return ReferenceEquals(updated, current) ? this : SetChild(key, updated, hadChild, current);
    }

    /// <summary>Returns this node with a priority (a number, a string, a server value or <see cref="Null"/> for none). The empty node takes no priority.</summary>
    /// <param name="priority">The priority.</param>
    /// <exception cref="RealtimeValidationException">The priority is a boolean or an object.</exception>
    public DataNode WithPriority(DataNode priority)
    {
        ArgumentNullException.ThrowIfNull(priority);
        if (priority.Kind is DataNodeKind.Boolean or DataNodeKind.Object)
        {
            throw new RealtimeValidationException($"Invalid priority {priority}: a priority is a string, a finite number or null.");
        }

        if (IsNull || Equals(Priority, priority))
        {
            return this;
        }

        return new(Kind, _value, priority.IsNull ? null : priority.WithoutPriority(), Depth, _number);
    }

    /// <summary>Returns this node without its priority.</summary>
    public DataNode WithoutPriority() => Priority.IsNull ? this : new(Kind, _value, null, Depth, _number);

    /// <summary>
    /// Replaces every server value with its result: timestamps with <paramref name="nowMilliseconds"/>, increments with the
    /// sum over the number at the same place in <paramref name="existing"/> (or the delta alone when that is not a number).
    /// </summary>
    /// <param name="existing">The value currently stored at this node's location.</param>
    /// <param name="nowMilliseconds">The backend's time, in milliseconds since the Unix epoch.</param>
    public DataNode ResolveServerValues(DataNode existing, long nowMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(existing);
        if (!ContainsServerValues)
        {
            return this;
        }

        var priority = Priority.Kind == DataNodeKind.ServerValue ? Priority.ResolveServerValues(existing.Priority, nowMilliseconds) : Priority;
        switch (Kind)
        {
            case DataNodeKind.ServerValue:
            {
                var spec = ServerValueSpec!;
                var resolved = spec.IsTimestamp
                    ? FromNumber(nowMilliseconds)
                    : FromNumber(existing.Kind == DataNodeKind.Number ? existing.GetNumber() + spec.Delta : spec.Delta);
                return priority.IsNull ? resolved : resolved.WithPriority(priority);
            }

            case DataNodeKind.Object:
            {
                var builder = Children.ToBuilder();
                foreach (var (key, child) in Children)
                {
                    if (child.ContainsServerValues)
                    {
                        builder[key] = child.ResolveServerValues(existing.GetChild(key), nowMilliseconds);
                    }
                }

                return FromBuilt(builder.ToImmutable(), priority);
            }

            default:
                return WithPriority(priority);
        }
    }

    /// <summary>Equality by reference that notes the value a replacement was compared with: the value it replaces.</summary>
    private sealed class ReplacedChild(DataNode replacement) : IEqualityComparer<DataNode>
    {
        public DataNode? Existing { get; private set; }

        public bool Equals(DataNode? x, DataNode? y)
        {
            Existing = ReferenceEquals(x, replacement) ? y : x;
            return ReferenceEquals(x, y);
        }

        public int GetHashCode(DataNode obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
