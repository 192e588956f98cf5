using System.Text;

namespace RealtimeAdapters;

/// <summary>
/// The checks every store applies to a write before anything is sent or stored (the Realtime Database's limits): a value
/// may nest at most <see cref="RealtimePath.MaxDepth"/> levels below the root, no key path in it may make a full path
/// longer than <see cref="RealtimePath.MaxBytes"/> UTF-8 bytes, and a multi-path update's keys are child paths, none at or
/// below another. One copy for the in-memory engine, the providers and the emulator, so that they refuse the same writes
/// with the same message.
/// </summary>
public static class WriteValidation
{
    /// <summary>Checks that <paramref name="value"/> may be written at <paramref name="path"/> (depth and key path lengths).</summary>
    /// <param name="path">The location.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="RealtimeValidationException">It may not; the message names the location.</exception>
    public static void ValidateWrite(RealtimePath path, DataNode value)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(value);
        ValidateLimits(path, value, null);
    }

    /// <summary>
    /// Checks a multi-path update: every key a valid relative path naming a child, every value within the limits at its
    /// location, no two keys overlapping (one the same location as the other or its ancestor).
    /// </summary>
    /// <param name="path">The common location.</param>
    /// <param name="updates">Relative paths (keys) and their values.</param>
    /// <returns>The entries, sorted by relative path.</returns>
    /// <exception cref="RealtimeValidationException">An entry is invalid; the message names its key.</exception>
    public static IReadOnlyList<UpdateEntry> ValidateUpdate(RealtimePath path, IReadOnlyDictionary<string, DataNode> updates)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(updates);
        var parsed = new List<UpdateEntry>(updates.Count);
        foreach (var (key, value) in updates)
        {
            var relative = ParseUpdateKey(path, key);
            if (value is null)
            {
                throw new RealtimeValidationException(
                    $"Invalid update at {path}: the value of \"{RealtimeKeys.Printable(key)}\" is null; use DataNode.Null to delete.", key);
            }

            RealtimePath absolute;
            try
            {
                absolute = path.Child(relative);
            }
            catch (RealtimeValidationException ex)
            {
                throw new RealtimeValidationException($"Invalid update key \"{RealtimeKeys.Printable(key)}\" at {path}: {ex.Message}", ex) { InvalidValue = key };
            }

            ValidateLimits(absolute, value, key);
            parsed.Add(new UpdateEntry(key, relative, absolute, value));
        }

        parsed.Sort(static (a, b) => a.Relative.CompareTo(b.Relative));
        if (FindOverlap(parsed, static e => e.Relative) is var (outer, inner))
        {
            throw new RealtimeValidationException(
                $"Invalid update at {path}: the keys \"{RealtimeKeys.Printable(outer.Key)}\" and \"{RealtimeKeys.Printable(inner.Key)}\" overlap " +
                "(one is the same location as the other or its ancestor); a multi-path update needs disjoint paths.",
                inner.Key);
        }

        return parsed;
    }

    /// <summary>
    /// Finds two entries of a multi-path update whose paths overlap (the first at or above the second), or returns
    /// <see langword="null"/> when they are disjoint.
    /// </summary>
    /// <typeparam name="T">The entry type.</typeparam>
    /// <param name="entries">The entries, in any order.</param>
    /// <param name="relativePath">An entry's path relative to the update's location.</param>
    public static (T Outer, T Inner)? FindOverlap<T>(IEnumerable<T> entries, Func<T, RealtimePath> relativePath)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(relativePath);

        // In path order a location's descendants follow it directly, so an overlap always shows between neighbours.
        var sorted = entries.OrderBy(relativePath).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (relativePath(sorted[i - 1]).IsAncestorOrSelf(relativePath(sorted[i])))
            {
                return (sorted[i - 1], sorted[i]);
            }
        }

        return null;
    }

    private static RealtimePath ParseUpdateKey(RealtimePath path, string key)
    {
        if (key is null)
        {
            throw new RealtimeValidationException($"Invalid update at {path}: a key is null.");
        }

        RealtimePath relative;
        try
        {
            relative = RealtimePath.Parse(key);
        }
        catch (RealtimeValidationException ex)
        {
            throw new RealtimeValidationException($"Invalid update key \"{RealtimeKeys.Printable(key)}\" at {path}: {ex.Message}", ex) { InvalidValue = key };
        }

        return relative.IsRoot
            ? throw new RealtimeValidationException(
                $"Invalid update key \"{RealtimeKeys.Printable(key)}\" at {path}: a key must name a child path; use Set to replace the location itself.", key)
            : relative;
    }

    private static void ValidateLimits(RealtimePath path, DataNode value, string? updateKey)
    {
        var where = updateKey is null ? path.ToString() : $"{path} (update key \"{RealtimeKeys.Printable(updateKey)}\")";
        if (path.Depth + value.Depth > RealtimePath.MaxDepth)
        {
            throw new RealtimeValidationException(
                $"Invalid write at {where}: the value nests {value.Depth} levels below a path {path.Depth} levels deep; " +
                $"data may be at most {RealtimePath.MaxDepth} levels deep.",
                updateKey ?? path.ToString());
        }

        if (value.Kind == DataNodeKind.Object)
        {
            var pathBytes = path.IsRoot ? 0 : path.Segments.Sum(static s => Encoding.UTF8.GetByteCount(s)) + path.Depth - 1;
            if (FindTooLongKeyPath(value, pathBytes, path.IsRoot) is { } tooLong)
            {
                throw new RealtimeValidationException(
                    $"Invalid write at {where}: the key path \"{RealtimeKeys.Printable(tooLong)}\" below it makes the full path longer than " +
                    $"{RealtimePath.MaxBytes} UTF-8 bytes.",
                    updateKey ?? path.ToString());
            }
        }
    }

    // The relative key path whose full path exceeds RealtimePath.MaxBytes, or null.
    private static string? FindTooLongKeyPath(DataNode node, int bytes, bool atRoot)
    {
        foreach (var (key, child) in node.EnumerateChildren())
        {
            var total = bytes + (atRoot ? 0 : 1) + Encoding.UTF8.GetByteCount(key);
            if (total > RealtimePath.MaxBytes)
            {
                return key;
            }

            if (child.Kind == DataNodeKind.Object && FindTooLongKeyPath(child, total, atRoot: false) is { } below)
            {
                return key + "/" + below;
            }
        }

        return null;
    }
}

/// <summary>One entry of a validated multi-path update.</summary>
/// <param name="Key">The key as given.</param>
/// <param name="Relative">The key as a path relative to the update's location.</param>
/// <param name="Absolute">The entry's location.</param>
/// <param name="Value">The value to write there.</param>
public readonly record struct UpdateEntry(string Key, RealtimePath Relative, RealtimePath Absolute, DataNode Value);
