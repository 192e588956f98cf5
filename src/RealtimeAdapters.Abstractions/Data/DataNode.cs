using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RealtimeAdapters;

/// <summary>
/// An immutable, normalised JSON value as the realtime tree stores it: no nulls, no empty containers, arrays stored as
/// integer-keyed objects, children kept in key order (<see cref="KeyComparer"/>), an optional priority. Updates return
/// new nodes that share unchanged subtrees, so a node (and any snapshot holding it) never changes.
/// </summary>
public sealed partial class DataNode : IEquatable<DataNode>
{
    /// <summary>The largest string leaf, in UTF-8 bytes (10 MB).</summary>
    public const int MaxStringBytes = 10 * 1024 * 1024;

    private static readonly ImmutableSortedDictionary<string, DataNode> NoChildren =
        ImmutableSortedDictionary.Create<string, DataNode>(KeyComparer.Instance);

    // JSON for the wire and for logs, not for HTML: no escaping of '+', '<', '&' and non-ASCII text.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // A node takes 48 bytes whatever it holds: a number is kept in _number rather than boxed in _value (a boxed double
    // would add 24 bytes and one object per number), and the kind and depth (at most 32) take one byte each.
    private readonly object? _value;
    private readonly DataNode? _priority;
    private readonly double _number;
    private int _hash;
    private readonly byte _kind;
    private readonly byte _depth;

    private DataNode(DataNodeKind kind, object? value, DataNode? priority, int depth, double number = 0)
    {
        _kind = (byte)kind;
        _value = value;
        _priority = priority;
        _depth = (byte)depth;
        _number = number;
    }

    /// <summary>The empty node: a missing value. Writing it deletes.</summary>
    public static DataNode Null { get; } = new(DataNodeKind.Null, null, null, 0);

    /// <summary>The boolean <see langword="true"/>.</summary>
    public static DataNode True { get; } = new(DataNodeKind.Boolean, true, null, 0);

    /// <summary>The boolean <see langword="false"/>.</summary>
    public static DataNode False { get; } = new(DataNodeKind.Boolean, false, null, 0);

    /// <summary>What kind of value this is.</summary>
    public DataNodeKind Kind => (DataNodeKind)_kind;

    /// <summary>The priority (a number or string leaf), or <see cref="Null"/> when there is none.</summary>
    public DataNode Priority => _priority ?? Null;

    /// <summary>How many levels of children lie below this node (0 for a leaf).</summary>
    public int Depth => _depth;

    /// <summary>Whether this is the empty node.</summary>
    public bool IsNull => Kind == DataNodeKind.Null;

    /// <summary>Whether this is a boolean, number, string or server value.</summary>
    public bool IsLeaf => Kind is DataNodeKind.Boolean or DataNodeKind.Number or DataNodeKind.String or DataNodeKind.ServerValue;

    /// <summary>
    /// The children in key order; empty for leaves. An object with few children keeps them more compactly and builds this
    /// dictionary each time it is asked: to read children, <see cref="EnumerateChildren"/>, <see cref="GetChild"/> and
    /// <see cref="ChildCount"/> cost nothing extra.
    /// </summary>
    public ImmutableSortedDictionary<string, DataNode> Children => _value switch
    {
        ImmutableSortedDictionary<string, DataNode> large => large,
        KeyValuePair<string, DataNode>[] small => ToLarge(small, small.Length),
        _ => NoChildren,
    };

    /// <summary>The number of children.</summary>
    public int ChildCount => EnumerateChildren().Count;

    /// <summary>Whether this node contains server values anywhere (including priorities).</summary>
    public bool ContainsServerValues
    {
        get
        {
            if (Kind == DataNodeKind.ServerValue || Priority.Kind == DataNodeKind.ServerValue)
            {
                return true;
            }

            foreach (var (_, child) in EnumerateChildren())
            {
                if (child.ContainsServerValues)
                {
                    return true;
                }
            }

            return false;
        }
    }

    internal ServerValueSpec? ServerValueSpec => _value as ServerValueSpec;

    /// <summary>Converts a string to a leaf.</summary>
    public static implicit operator DataNode(string value) => FromString(value);

    /// <summary>Converts a number to a leaf.</summary>
    public static implicit operator DataNode(double value) => FromNumber(value);

    /// <summary>Converts a number to a leaf.</summary>
    public static implicit operator DataNode(long value) => FromNumber(value);

    /// <summary>Converts a number to a leaf.</summary>
    public static implicit operator DataNode(int value) => FromNumber(value);

    /// <summary>Converts a boolean to a leaf.</summary>
    public static implicit operator DataNode(bool value) => FromBoolean(value);

    /// <summary>A boolean leaf.</summary>
    /// <param name="value">The value.</param>
    public static DataNode FromBoolean(bool value) => value ? True : False;

    /// <summary>A number leaf.</summary>
    /// <param name="value">A finite number.</param>
    /// <exception cref="RealtimeValidationException">The number is NaN or infinite.</exception>
    public static DataNode FromNumber(double value) =>
        double.IsFinite(value)
            ? new(DataNodeKind.Number, null, null, 0, value)
            : throw new RealtimeValidationException($"Invalid number {value.ToString(CultureInfo.InvariantCulture)}: numbers must be finite.");

    /// <summary>A string leaf.</summary>
    /// <param name="value">The string (at most <see cref="MaxStringBytes"/> UTF-8 bytes).</param>
    /// <exception cref="RealtimeValidationException">The string is too long.</exception>
    public static DataNode FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > MaxStringBytes / 3 && Encoding.UTF8.GetByteCount(value) > MaxStringBytes)
        {
            throw new RealtimeValidationException($"Invalid string: string values must be at most {MaxStringBytes} UTF-8 bytes (got {Encoding.UTF8.GetByteCount(value)}).");
        }

        return new(DataNodeKind.String, value, null, 0);
    }

    /// <summary>An object from children; <see cref="Null"/> children are dropped, and no remaining child gives <see cref="Null"/>.</summary>
    /// <param name="children">Key and value pairs; keys must be valid (<see cref="RealtimeKeys"/>).</param>
    /// <exception cref="RealtimeValidationException">A key is invalid or repeated, or the result is too deep.</exception>
    public static DataNode FromChildren(IEnumerable<KeyValuePair<string, DataNode>> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        var collector = new ChildCollector(children.TryGetNonEnumeratedCount(out var count) ? count : SmallLimit);
        foreach (var (key, child) in children)
        {
            RealtimeKeys.Validate(key);
            ArgumentNullException.ThrowIfNull(child);
            if (collector.Contains(key))
            {
                throw new RealtimeValidationException($"Invalid data: the key \"{key}\" appears twice.", key);
            }

            if (!child.IsNull)
            {
                collector.Add(key, child);
            }
        }

        return collector.Build(null);
    }

    internal static DataNode CreateServerValue(ServerValueSpec spec) => new(DataNodeKind.ServerValue, spec, null, 0);

    private static DataNode FromBuilt(ImmutableSortedDictionary<string, DataNode> children, DataNode? priority)
    {
        if (children.Count == 0)
        {
            return Null;
        }

        if (children.Count <= SmallLimit)
        {
            return FromSmall(ToSmall(children), priority);
        }

        var depth = 0;
        foreach (var child in children.Values)
        {
            depth = Math.Max(depth, child.Depth + 1);
        }

        return new(DataNodeKind.Object, children, priority is { IsNull: false } ? priority : null, CheckDepth(depth));
    }

    // An array of 1 to SmallLimit children in key order.
    private static DataNode FromSmall(KeyValuePair<string, DataNode>[] children, DataNode? priority)
    {
        var depth = 0;
        foreach (var child in children)
        {
            depth = Math.Max(depth, child.Value.Depth + 1);
        }

        return new(DataNodeKind.Object, children, priority is { IsNull: false } ? priority : null, CheckDepth(depth));
    }

    private static int CheckDepth(int depth) =>
        depth <= RealtimePath.MaxDepth
            ? depth
            : throw new RealtimeValidationException($"Invalid data: values may nest at most {RealtimePath.MaxDepth} levels deep (got {depth}).");

    /// <summary>The boolean value.</summary>
    /// <exception cref="InvalidOperationException">This is not a boolean.</exception>
    public bool GetBoolean() => _value is bool b ? b : throw WrongKind(DataNodeKind.Boolean);

    /// <summary>The number value.</summary>
    /// <exception cref="InvalidOperationException">This is not a number.</exception>
    public double GetNumber() => Kind == DataNodeKind.Number ? _number : throw WrongKind(DataNodeKind.Number);

    /// <summary>The string value.</summary>
    /// <exception cref="InvalidOperationException">This is not a string.</exception>
    public string GetString() => _value as string ?? throw WrongKind(DataNodeKind.String);

    private InvalidOperationException WrongKind(DataNodeKind wanted) => new($"The node is {Kind}, not {wanted}.");

    /// <summary>The child at <paramref name="key"/>, or <see cref="Null"/>.</summary>
    /// <param name="key">A key.</param>
    public DataNode GetChild(string key)
    {
        TryGetChild(key, out var child);
        return child;
    }

    /// <summary>The descendant at <paramref name="relativePath"/>, or <see cref="Null"/>.</summary>
    /// <param name="relativePath">A path relative to this node.</param>
    public DataNode GetAt(RealtimePath relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var node = this;
        foreach (var key in relativePath.Segments)
        {
            node = node.GetChild(key);
            if (node.IsNull)
            {
                break;
            }
        }

        return node;
    }

    /// <summary>Whether a child exists at <paramref name="key"/>.</summary>
    /// <param name="key">A key.</param>
    public bool HasChild(string key) => !GetChild(key).IsNull;

    /// <summary>The JSON text of this node.</summary>
    public override string ToString() => ToJsonString();

    /// <inheritdoc />
    public bool Equals(DataNode? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Kind != Kind || other.Depth != Depth || !Priority.Equals(other.Priority) ||
            (_hash != 0 && other._hash != 0 && _hash != other._hash))
        {
            return false;
        }

        return Kind switch
        {
            DataNodeKind.Null => true,
            DataNodeKind.Object => ChildrenEqual(EnumerateChildren(), other.EnumerateChildren()),
            DataNodeKind.Number => _number.Equals(other._number),
            _ => Equals(_value, other._value),
        };
    }

    private static bool ChildrenEqual(ChildEnumerable a, ChildEnumerable b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        using var ea = a.GetEnumerator();
        using var eb = b.GetEnumerator();
        while (ea.MoveNext() && eb.MoveNext())
        {
            if (!string.Equals(ea.Current.Key, eb.Current.Key, StringComparison.Ordinal) || !ea.Current.Value.Equals(eb.Current.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DataNode);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        if (_hash != 0)
        {
            return _hash;
        }

        var hash = default(HashCode);
        hash.Add(Kind);
        if (Kind == DataNodeKind.Object)
        {
            foreach (var (key, child) in EnumerateChildren())
            {
                hash.Add(key, StringComparer.Ordinal);
                hash.Add(child.GetHashCode());
            }
        }
        else if (Kind == DataNodeKind.Number)
        {
            hash.Add(_number);
        }
        else
        {
            hash.Add(_value);
        }

        if (!Priority.IsNull)
        {
            hash.Add(Priority.GetHashCode());
        }

        var h = hash.ToHashCode();
        _hash = h == 0 ? 1 : h;
        return _hash;
    }

    /// <summary>Structural equality.</summary>
    public static bool operator ==(DataNode? left, DataNode? right) => left?.Equals(right) ?? right is null;

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(DataNode? left, DataNode? right) => !(left == right);
}
