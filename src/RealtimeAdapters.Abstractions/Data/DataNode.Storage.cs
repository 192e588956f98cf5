using System.Collections;
using System.Collections.Immutable;

namespace RealtimeAdapters;

// DataNode: how an object keeps its children. Up to SmallLimit children (most records: a handful of fields) live in one
// array sorted by key order; more live in an ImmutableSortedDictionary, whose O(log n) replacement keeps large lists
// cheap to edit. The array costs one object where the dictionary costs one plus one per child, so a cached record takes
// about half the memory, and a new record outlives the young generation as two objects rather than four: in a large
// list each event's new value survives collections, and that copying is what grows with the list. The choice follows
// the count alone (at most SmallLimit: an array), so equal nodes have the same form.
public sealed partial class DataNode
{
    /// <summary>The most children an object keeps in a sorted array rather than a persistent dictionary.</summary>
    internal const int SmallLimit = 16;

    /// <summary>
    /// The children in key order, enumerated without allocating: prefer this to <see cref="Children"/> for reading, since
    /// an object with few children builds that dictionary when asked for it.
    /// </summary>
    public ChildEnumerable EnumerateChildren() => new(_value);

    /// <summary>Whether the child at <paramref name="key"/> exists, and its value.</summary>
    /// <param name="key">A key.</param>
    /// <param name="child">The child, or <see cref="Null"/> when there is none.</param>
    public bool TryGetChild(string key, out DataNode child)
    {
        ArgumentNullException.ThrowIfNull(key);
        switch (_value)
        {
            case KeyValuePair<string, DataNode>[] small:
                var at = IndexOf(small, small.Length, key);
                child = at >= 0 ? small[at].Value : Null;
                return at >= 0;
            case ImmutableSortedDictionary<string, DataNode> large when large.TryGetValue(key, out var found):
                child = found;
                return true;
            default:
                child = Null;
                return false;
        }
    }

    // Keys are equal under KeyComparer exactly when they are equal ordinally, so a scan by ordinal equality finds a key
    // in a handful of length checks.
    private static int IndexOf(KeyValuePair<string, DataNode>[] small, int count, string key)
    {
        for (var i = 0; i < count; i++)
        {
            if (string.Equals(small[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    // Where `key` (absent) goes to keep the array in key order.
    private static int InsertionPoint(KeyValuePair<string, DataNode>[] small, int count, string key)
    {
        int lo = 0, hi = count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (KeyComparer.Instance.Compare(small[mid].Key, key) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static KeyValuePair<string, DataNode>[] ToSmall(ImmutableSortedDictionary<string, DataNode> children)
    {
        var small = new KeyValuePair<string, DataNode>[children.Count];
        var i = 0;
        foreach (var child in children)
        {
            small[i++] = child;
        }

        return small;
    }

    private static ImmutableSortedDictionary<string, DataNode> ToLarge(KeyValuePair<string, DataNode>[] small, int count)
    {
        var builder = NoChildren.ToBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Add(small[i].Key, small[i].Value);
        }

        return builder.ToImmutable();
    }

    /// <summary>The small form with the child at <paramref name="index"/> replaced.</summary>
    private static KeyValuePair<string, DataNode>[] Replaced(KeyValuePair<string, DataNode>[] small, int index, string key, DataNode child)
    {
        var copy = (KeyValuePair<string, DataNode>[])small.Clone();
        copy[index] = new(key, child);
        return copy;
    }

    /// <summary>The small form without the child at <paramref name="index"/>.</summary>
    private static KeyValuePair<string, DataNode>[] Removed(KeyValuePair<string, DataNode>[] small, int index)
    {
        var copy = new KeyValuePair<string, DataNode>[small.Length - 1];
        Array.Copy(small, 0, copy, 0, index);
        Array.Copy(small, index + 1, copy, index, copy.Length - index);
        return copy;
    }

    /// <summary>The children with a new key added: still an array up to <see cref="SmallLimit"/>, a dictionary beyond.</summary>
    private static object Inserted(KeyValuePair<string, DataNode>[] small, string key, DataNode child)
    {
        var at = InsertionPoint(small, small.Length, key);
        if (small.Length == SmallLimit)
        {
            return ToLarge(small, small.Length).Add(key, child);
        }

        var copy = new KeyValuePair<string, DataNode>[small.Length + 1];
        Array.Copy(small, 0, copy, 0, at);
        copy[at] = new(key, child);
        Array.Copy(small, at, copy, at + 1, small.Length - at);
        return copy;
    }

    /// <summary>A large form after a removal: back to an array once it holds no more than <see cref="SmallLimit"/>.</summary>
    private static object Shrunk(ImmutableSortedDictionary<string, DataNode> children) =>
        children.Count <= SmallLimit ? ToSmall(children) : children;

    /// <summary>
    /// Gathers the children of an object being built (parsed or listed), in the small form while they fit and in a
    /// dictionary builder beyond; duplicates are the caller's to refuse (<see cref="Contains"/>).
    /// </summary>
    private struct ChildCollector(int expected)
    {
        private KeyValuePair<string, DataNode>[]? _small;
        private int _count;
        private ImmutableSortedDictionary<string, DataNode>.Builder? _large;

        public readonly bool Contains(string key)
        {
            if (_large is not null)
            {
                return _large.ContainsKey(key);
            }

            return _small is not null && IndexOf(_small, _count, key) >= 0;
        }

        public void Add(string key, DataNode child)
        {
            if (_large is not null)
            {
                _large.Add(key, child);
                return;
            }

            if (_count == SmallLimit)
            {
                _large = ToLarge(_small!, _count).ToBuilder();
                _large.Add(key, child);
                _small = null;
                return;
            }

            _small ??= new KeyValuePair<string, DataNode>[Math.Clamp(expected, 1, SmallLimit)];
            if (_count == _small.Length)
            {
                Array.Resize(ref _small, Math.Min(SmallLimit, _count * 2));
            }

            // Keys mostly arrive in order (arrays, the wire's sorted output): the common insertion is at the end.
            var at = _count > 0 && KeyComparer.Instance.Compare(_small[_count - 1].Key, key) < 0 ? _count : InsertionPoint(_small, _count, key);
            Array.Copy(_small, at, _small, at + 1, _count - at);
            _small[at] = new(key, child);
            _count++;
        }

        /// <summary>The object these children make (<see cref="Null"/> without any), with <paramref name="priority"/>.</summary>
        public readonly DataNode Build(DataNode? priority)
        {
            if (_large is not null)
            {
                return FromBuilt(_large.ToImmutable(), priority);
            }

            if (_count == 0)
            {
                return Null;
            }

            var small = _small!;
            if (small.Length != _count)
            {
                Array.Resize(ref small, _count);
            }

            return FromSmall(small, priority);
        }
    }

    /// <summary>The children of an object in key order; enumerating them allocates nothing.</summary>
    public readonly struct ChildEnumerable : IEnumerable<KeyValuePair<string, DataNode>>, IEquatable<ChildEnumerable>
    {
        private readonly object? _children;

        internal ChildEnumerable(object? children) => _children = children;

        /// <summary>The number of children.</summary>
        public int Count => _children switch
        {
            KeyValuePair<string, DataNode>[] small => small.Length,
            ImmutableSortedDictionary<string, DataNode> large => large.Count,
            _ => 0,
        };

        /// <summary>Compares by the node enumerated.</summary>
        public static bool operator ==(ChildEnumerable left, ChildEnumerable right) => left.Equals(right);

        /// <summary>Compares by the node enumerated.</summary>
        public static bool operator !=(ChildEnumerable left, ChildEnumerable right) => !left.Equals(right);

        /// <summary>An enumerator over the children in key order.</summary>
        public Enumerator GetEnumerator() => new(_children);

        /// <inheritdoc />
        IEnumerator<KeyValuePair<string, DataNode>> IEnumerable<KeyValuePair<string, DataNode>>.GetEnumerator() => GetEnumerator();

        /// <inheritdoc />
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <inheritdoc />
        public bool Equals(ChildEnumerable other) => ReferenceEquals(_children, other._children);

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is ChildEnumerable other && Equals(other);

        /// <inheritdoc />
        public override int GetHashCode() => _children is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_children);

        /// <summary>Enumerates the children of an object in key order.</summary>
        public struct Enumerator : IEnumerator<KeyValuePair<string, DataNode>>
        {
            private readonly KeyValuePair<string, DataNode>[]? _small;
            private ImmutableSortedDictionary<string, DataNode>.Enumerator _large;
            private readonly bool _isLarge;
            private int _index;

            internal Enumerator(object? children)
            {
                _index = -1;
                if (children is ImmutableSortedDictionary<string, DataNode> large)
                {
                    _large = large.GetEnumerator();
                    _isLarge = true;
                }
                else
                {
                    _small = children as KeyValuePair<string, DataNode>[];
                }
            }

            /// <inheritdoc />
            public readonly KeyValuePair<string, DataNode> Current => _isLarge ? _large.Current : _small![_index];

            /// <inheritdoc />
            readonly object IEnumerator.Current => Current;

            /// <inheritdoc />
            public bool MoveNext() => _isLarge ? _large.MoveNext() : _small is not null && ++_index < _small.Length;

            /// <inheritdoc />
            public void Reset()
            {
                if (_isLarge)
                {
                    _large.Reset();
                }
                else
                {
                    _index = -1;
                }
            }

            /// <inheritdoc />
            public void Dispose()
            {
                if (_isLarge)
                {
                    _large.Dispose();
                }
            }
        }
    }
}
