namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// A write of this store not yet confirmed, laid over the server's value in every stream it touches (latency
/// compensation). <see cref="Acknowledged"/> turns true when the database answered the REST call with success.
/// Server values are estimated locally (timestamps from the store's clock at the time of the write, increments over the
/// value they are laid on) until <see cref="Confirm"/> replaces them with the results the database reported.
/// </summary>
internal sealed class LocalWrite
{
    private int _acknowledged;
    private IReadOnlyList<(RealtimePath Path, DataNode Value)> _entries;

    /// <param name="entries">The absolute paths written and their values (one for a set, several for an update).</param>
    /// <param name="nowMilliseconds">The local clock when the write was issued: the estimate of its timestamps.</param>
    /// <param name="isPriority">Whether the single entry sets only the priority of its path.</param>
    public LocalWrite(IReadOnlyList<(RealtimePath Path, DataNode Value)> entries, long nowMilliseconds = 0, bool isPriority = false)
    {
        _entries = entries;
        NowMilliseconds = nowMilliseconds;
        IsPriority = isPriority;
    }

    public IReadOnlyList<(RealtimePath Path, DataNode Value)> Entries => Volatile.Read(ref _entries);

    public long NowMilliseconds { get; }

    public bool IsPriority { get; }

    /// <summary>Whether some value is still a local estimate of a server value.</summary>
    public bool HasServerValues => Entries.Any(static e => e.Value.ContainsServerValues);

    public bool Acknowledged => Volatile.Read(ref _acknowledged) != 0;

    public void Acknowledge() => Volatile.Write(ref _acknowledged, 1);

    /// <summary>Replaces the server values of the entries with the database's results (<paramref name="results"/>, one per entry, in the plain form).</summary>
    public void Confirm(IReadOnlyList<DataNode> results)
    {
        var entries = Entries;
        var confirmed = new (RealtimePath, DataNode)[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            confirmed[i] = (entries[i].Path, Substitute(entries[i].Value, results[i]));
        }

        Volatile.Write(ref _entries, confirmed);
    }

    /// <summary>Whether the write changes anything at or below <paramref name="location"/>, or contains it.</summary>
    public bool Touches(RealtimePath location)
    {
        foreach (var (path, _) in Entries)
        {
            // A priority belongs to its own node: one above the location changes nothing in it.
            if (IsPriority ? location.IsAncestorOrSelf(path) : path.Overlaps(location))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Lays the write over <paramref name="value"/>, the value of <paramref name="location"/>, estimating server values.</summary>
    /// <param name="location">The watched location.</param>
    /// <param name="value">Its value.</param>
    /// <param name="partial">
    /// Whether <paramref name="value"/> holds only part of the location (a query's window): a write below a child it does
    /// not hold is then left out, since the rest of that child is unknown.
    /// </param>
    public DataNode ApplyTo(RealtimePath location, DataNode value, bool partial = false) =>
        Lay(location, value, partial, (sv, existing) => sv.ResolveServerValues(existing, NowMilliseconds));

    /// <summary>
    /// Lays the write over <paramref name="value"/> keeping any number already at the place of a server value (its result
    /// is only known to the database): equal to <paramref name="value"/> when the value looks like this write's result.
    /// </summary>
    public DataNode ApplyShapeTo(RealtimePath location, DataNode value, bool partial = false) =>
        Lay(location, value, partial, static (sv, existing) => existing.Kind == DataNodeKind.Number ? existing : sv);

    private DataNode Lay(RealtimePath location, DataNode value, bool partial, Func<DataNode, DataNode, DataNode> resolve)
    {
        foreach (var (path, node) in Entries)
        {
            if (location.IsAncestorOrSelf(path))
            {
                var relative = location.RelativeTo(path);
                if (partial && relative.Depth > 1 && value.GetChild(relative.Segments[0]).IsNull)
                {
                    continue;
                }

                var existing = value.GetAt(relative);
                if (IsPriority)
                {
                    if (!existing.IsNull)
                    {
                        value = value.SetAt(relative, existing.WithPriority(Resolve(node, existing.Priority, resolve)));
                    }
                }
                else
                {
                    value = value.SetAt(relative, Resolve(node, existing, resolve));
                }
            }
            else if (!IsPriority && path.IsAncestorOrSelf(location))
            {
                value = Resolve(node.GetAt(path.RelativeTo(location)), value, resolve);
            }
        }

        return value;
    }

    /// <summary>Resolves every server value in <paramref name="node"/> with <paramref name="resolve"/>(server value, value there now).</summary>
    private static DataNode Resolve(DataNode node, DataNode existing, Func<DataNode, DataNode, DataNode> resolve)
    {
        if (!node.ContainsServerValues)
        {
            return node;
        }

        if (node.Kind == DataNodeKind.ServerValue)
        {
            var resolved = resolve(node.WithoutPriority(), existing);
            return node.Priority.IsNull ? resolved : resolved.WithPriority(node.Priority);
        }

        var result = node;
        foreach (var (key, child) in node.EnumerateChildren())
        {
            if (child.ContainsServerValues)
            {
                result = result.SetChild(key, Resolve(child, existing.GetChild(key), resolve));
            }
        }

        return result;
    }

    /// <summary>Takes the database's results at the places of the server values in <paramref name="local"/>.</summary>
    private static DataNode Substitute(DataNode local, DataNode server)
    {
        if (!local.ContainsServerValues)
        {
            return local;
        }

        if (local.Kind == DataNodeKind.ServerValue)
        {
            var result = server.WithoutPriority();
            return local.Priority.IsNull ? result : result.WithPriority(local.Priority);
        }

        var updated = local;
        foreach (var (key, child) in local.EnumerateChildren())
        {
            if (child.ContainsServerValues)
            {
                updated = updated.SetChild(key, Substitute(child, server.GetChild(key)));
            }
        }

        return updated;
    }
}
