using System.Text;

namespace RealtimeAdapters;

/// <summary>
/// A validated location in a realtime JSON tree, such as <c>/users/alice/name</c>: at most
/// <see cref="MaxDepth"/> segments and <see cref="MaxBytes"/> UTF-8 bytes, each segment a valid key
/// (<see cref="RealtimeKeys"/>). Immutable; compares by segments.
/// </summary>
public sealed class RealtimePath : IEquatable<RealtimePath>, IComparable<RealtimePath>
{
    /// <summary>The largest number of segments a path may have (Firebase: depth under 32).</summary>
    public const int MaxDepth = 31;

    /// <summary>The longest path, in UTF-8 bytes (without the leading slash).</summary>
    public const int MaxBytes = 768;

    private readonly string[] _segments;
    private string? _text;

    private RealtimePath(string[] segments) => _segments = segments;

    /// <summary>The root of the tree (<c>/</c>).</summary>
    public static RealtimePath Root { get; } = new([]);

    /// <summary>The segments, root first.</summary>
    public IReadOnlyList<string> Segments => _segments;

    /// <summary>The number of segments; 0 for the root.</summary>
    public int Depth => _segments.Length;

    /// <summary>Whether this is the root.</summary>
    public bool IsRoot => _segments.Length == 0;

    /// <summary>The last segment, or <see langword="null"/> for the root.</summary>
    public string? Key => _segments.Length == 0 ? null : _segments[^1];

    /// <summary>The parent path, or <see langword="null"/> for the root.</summary>
    public RealtimePath? Parent => _segments.Length == 0 ? null : new(_segments[..^1]);

    /// <summary>
    /// Parses a slash-separated path. Leading, trailing and repeated slashes are ignored (<c>"/a//b/"</c> is
    /// <c>/a/b</c>); an empty string or <c>"/"</c> is the root.
    /// </summary>
    /// <param name="path">The path text.</param>
    /// <exception cref="RealtimeValidationException">A segment is not a valid key, or the path is too deep or too long.</exception>
    public static RealtimePath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var problem = TryParseCore(path, out var result);
        return problem is null ? result! : throw new RealtimeValidationException(problem, path);
    }

    /// <summary>Parses a path, returning <see langword="false"/> instead of throwing.</summary>
    /// <param name="path">The path text.</param>
    /// <param name="result">The parsed path.</param>
    public static bool TryParse(string? path, out RealtimePath? result)
    {
        result = null;
        return path is not null && TryParseCore(path, out result) is null;
    }

    private static string? TryParseCore(string path, out RealtimePath? result)
    {
        result = null;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            result = Root;
            return null;
        }

        foreach (var part in parts)
        {
            var keyProblem = RealtimeKeys.GetProblem(part);
            if (keyProblem is not null)
            {
                return $"Invalid path \"{RealtimeKeys.Printable(path)}\": {keyProblem}";
            }
        }

        var candidate = new RealtimePath(parts);
        var sizeProblem = candidate.GetSizeProblem();
        if (sizeProblem is not null)
        {
            return sizeProblem;
        }

        result = candidate;
        return null;
    }

    /// <summary>Converts a string to a path with <see cref="Parse"/>.</summary>
    /// <param name="path">The path text.</param>
    public static implicit operator RealtimePath(string path) => Parse(path);

    /// <summary>The child at <paramref name="relativePath"/> (one key or several slash-separated keys).</summary>
    /// <param name="relativePath">A key or a relative path.</param>
    /// <exception cref="RealtimeValidationException">The result is invalid, too deep or too long.</exception>
    public RealtimePath Child(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return Child(Parse(relativePath));
    }

    /// <summary>The path formed by appending <paramref name="relativePath"/> to this one.</summary>
    /// <param name="relativePath">The relative path.</param>
    /// <exception cref="RealtimeValidationException">The result is too deep or too long.</exception>
    public RealtimePath Child(RealtimePath relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        if (relativePath.IsRoot)
        {
            return this;
        }

        if (IsRoot)
        {
            return relativePath;
        }

        var combined = new RealtimePath([.. _segments, .. relativePath._segments]);
        var problem = combined.GetSizeProblem();
        return problem is null ? combined : throw new RealtimeValidationException(problem, combined.ToString());
    }

    /// <summary>Whether this path equals <paramref name="other"/> or is one of its ancestors.</summary>
    /// <param name="other">The other path.</param>
    public bool IsAncestorOrSelf(RealtimePath other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._segments.Length < _segments.Length)
        {
            return false;
        }

        for (var i = 0; i < _segments.Length; i++)
        {
            if (!string.Equals(_segments[i], other._segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The part of <paramref name="descendant"/> below this path.</summary>
    /// <param name="descendant">A path at or below this one.</param>
    /// <exception cref="ArgumentException"><paramref name="descendant"/> is not at or below this path.</exception>
    public RealtimePath RelativeTo(RealtimePath descendant)
    {
        ArgumentNullException.ThrowIfNull(descendant);
        if (!IsAncestorOrSelf(descendant))
        {
            throw new ArgumentException($"Path '{descendant}' is not below '{this}'.", nameof(descendant));
        }

        return descendant._segments.Length == _segments.Length ? Root : new(descendant._segments[_segments.Length..]);
    }

    /// <summary>Whether either path is an ancestor of, or equal to, the other.</summary>
    /// <param name="other">The other path.</param>
    public bool Overlaps(RealtimePath other) => IsAncestorOrSelf(other) || (other?.IsAncestorOrSelf(this) ?? false);

    private string? GetSizeProblem()
    {
        if (_segments.Length > MaxDepth)
        {
            return $"Invalid path \"{RealtimeKeys.Truncate(ToString())}\": paths must be less than 32 levels deep (got {_segments.Length}).";
        }

        var bytes = _segments.Length - 1;
        foreach (var s in _segments)
        {
            bytes += Encoding.UTF8.GetByteCount(s);
        }

        return bytes > MaxBytes
            ? $"Invalid path \"{RealtimeKeys.Truncate(ToString())}\": paths must be at most {MaxBytes} UTF-8 bytes (got {bytes})."
            : null;
    }

    /// <summary>The path with a leading slash, e.g. <c>/a/b</c>; the root is <c>/</c>.</summary>
    public override string ToString() => _text ??= "/" + string.Join('/', _segments);

    /// <inheritdoc />
    public bool Equals(RealtimePath? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return other is not null && _segments.AsSpan().SequenceEqual(other._segments);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RealtimePath);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var s in _segments)
        {
            hash.Add(s, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>Orders paths segment by segment in key order (<see cref="KeyComparer"/>); a parent precedes its children.</summary>
    /// <param name="other">The other path.</param>
    public int CompareTo(RealtimePath? other)
    {
        if (other is null)
        {
            return 1;
        }

        var n = Math.Min(_segments.Length, other._segments.Length);
        for (var i = 0; i < n; i++)
        {
            var c = KeyComparer.Instance.Compare(_segments[i], other._segments[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return _segments.Length.CompareTo(other._segments.Length);
    }

    /// <summary>Equality by segments.</summary>
    public static bool operator ==(RealtimePath? left, RealtimePath? right) => left?.Equals(right) ?? right is null;

    /// <summary>Inequality by segments.</summary>
    public static bool operator !=(RealtimePath? left, RealtimePath? right) => !(left == right);

    /// <summary>Ordering by <see cref="CompareTo"/>.</summary>
    public static bool operator <(RealtimePath left, RealtimePath right) => left is null ? right is not null : left.CompareTo(right) < 0;

    /// <summary>Ordering by <see cref="CompareTo"/>.</summary>
    public static bool operator >(RealtimePath left, RealtimePath right) => left is not null && left.CompareTo(right) > 0;

    /// <summary>Ordering by <see cref="CompareTo"/>.</summary>
    public static bool operator <=(RealtimePath left, RealtimePath right) => left is null || left.CompareTo(right) <= 0;

    /// <summary>Ordering by <see cref="CompareTo"/>.</summary>
    public static bool operator >=(RealtimePath left, RealtimePath right) => left is null ? right is null : left.CompareTo(right) >= 0;
}
