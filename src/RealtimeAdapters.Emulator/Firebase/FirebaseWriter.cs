using RealtimeAdapters.Emulator.Firebase.Auth;
using RealtimeAdapters.Emulator.Firebase.Rules;

namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>
/// The writes of every front end (REST and the realtime WebSocket protocol), so that both apply the same rules, server
/// values, preconditions and size limits to the one database. Each write runs under the namespace's gate: it reads the
/// current data, resolves server values against it, lets the caller check a precondition (an ETag, a transaction hash),
/// checks the <c>writeSizeLimit</c> and the rules against exactly that data, then applies it to the engine. A refusal
/// throws <see cref="FirebaseHttpException"/> and changes nothing.
/// </summary>
internal sealed class FirebaseWriter(FirebaseEmulatorOptions options, TimeProvider time)
{
    /// <summary>Replaces the value at <paramref name="path"/>; returns the stored value afterwards.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="identity">Who writes.</param>
    /// <param name="path">The location.</param>
    /// <param name="value">The new value (server values unresolved); <see cref="DataNode.Null"/> deletes.</param>
    /// <param name="writeSizeLimit">The request's <c>writeSizeLimit</c>, or <see langword="null"/> for the database default.</param>
    /// <param name="precondition">
    /// Given the current value, the refusal to throw, or <see langword="null"/> to go on. With a precondition the write is a
    /// compare-and-set, so that it cannot overwrite a value the precondition did not see.
    /// </param>
    public DataNode Set(
        FirebaseNamespace ns, FirebaseIdentity identity, RealtimePath path, DataNode value, string? writeSizeLimit = null,
        Func<DataNode, FirebaseHttpException?>? precondition = null) =>
        Set(ns, identity, path, _ => value, writeSizeLimit, precondition);

    /// <summary>Checks a set as <see cref="Set(FirebaseNamespace, FirebaseIdentity, RealtimePath, DataNode, string?, Func{DataNode, FirebaseHttpException?}?)"/> would, without writing (an onDisconnect write is checked when registered).</summary>
    public void CheckSet(FirebaseNamespace ns, FirebaseIdentity identity, RealtimePath path, DataNode value) =>
        Set(ns, identity, path, _ => value, null, null, dryRun: true);

    /// <summary>Checks a priority change as <see cref="SetPriority"/> would, without writing.</summary>
    public void CheckSetPriority(FirebaseNamespace ns, FirebaseIdentity identity, RealtimePath path, DataNode priority) =>
        SetPriority(ns, identity, path, priority, null, dryRun: true);

    /// <summary>Checks a multi-path update as <see cref="Update"/> would, without writing.</summary>
    public void CheckUpdate(FirebaseNamespace ns, FirebaseIdentity identity, RealtimePath path, IReadOnlyList<(RealtimePath Relative, DataNode Value)> entries) =>
        Update(ns, identity, path, entries, null, dryRun: true);

    /// <summary>Replaces the value at <paramref name="path"/> with one computed from the current value (under the gate).</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="identity">Who writes.</param>
    /// <param name="path">The location.</param>
    /// <param name="compose">Given the current value, the new value (server values unresolved).</param>
    /// <param name="writeSizeLimit">The request's <c>writeSizeLimit</c>, or <see langword="null"/> for the database default.</param>
    /// <param name="precondition">As for <see cref="Set(FirebaseNamespace, FirebaseIdentity, RealtimePath, DataNode, string?, Func{DataNode, FirebaseHttpException?}?)"/>.</param>
    /// <param name="dryRun">Whether to stop after the checks, writing nothing.</param>
    public DataNode Set(
        FirebaseNamespace ns, FirebaseIdentity identity, RealtimePath path, Func<DataNode, DataNode> compose, string? writeSizeLimit,
        Func<DataNode, FirebaseHttpException?>? precondition, bool dryRun = false)
    {
        lock (ns.WriteGate)
        {
            var root = ns.Database.Root;
            var now = NowMilliseconds();
            var old = Current(root, path, precondition);

            var resolved = compose(old).ResolveServerValues(old, now);
            CheckWriteSize(writeSizeLimit, () => Size(resolved) + Size(old));
            if (NeedsRules(ns, identity))
            {
                // Only then is the would-be tree built: the rules read it through newData and root.
                Authorize(ns, identity, root, root.SetAt(path, resolved), [path], now);
            }

            if (dryRun)
            {
                return resolved;
            }

            if (precondition is null)
            {
                ns.Database.Set(path, resolved);
            }
            else if (!ns.Database.CompareAndSet(path, old, resolved, out var current))
            {
                // Only a write that bypassed the gate (a test seeding the database) can get here.
                throw precondition(current) ?? new FirebaseHttpException(412, "The value changed during the write.");
            }

            return ns.Database.Root.GetAt(path);
        }
    }

    /// <summary>Sets the priority of the value at <paramref name="path"/>; returns the priority stored.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="identity">Who writes.</param>
    /// <param name="path">The location whose priority changes.</param>
    /// <param name="priority">A string, a finite number, a server value or <see cref="DataNode.Null"/>.</param>
    /// <param name="precondition">Given the current value, the refusal to throw, or <see langword="null"/> to go on.</param>
    /// <param name="dryRun">Whether to stop after the checks, writing nothing.</param>
    public DataNode SetPriority(
        FirebaseNamespace ns, FirebaseIdentity identity, RealtimePath path, DataNode priority, Func<DataNode, FirebaseHttpException?>? precondition = null,
        bool dryRun = false)
    {
        if (priority.Kind is DataNodeKind.Boolean or DataNodeKind.Object)
        {
            throw FirebaseHttpException.BadRequest("Invalid priority: a priority is a string, a finite number or null.");
        }

        lock (ns.WriteGate)
        {
            var root = ns.Database.Root;
            var now = NowMilliseconds();
            var old = Current(root, path, precondition);

            var resolved = priority.ResolveServerValues(old.Priority, now);
            if (NeedsRules(ns, identity))
            {
                Authorize(ns, identity, root, root.SetAt(path, old.WithPriority(resolved)), [path], now);
            }

            if (!dryRun)
            {
                ns.Database.SetPriority(path, resolved);
            }

            return resolved;
        }
    }

    /// <summary>
    /// Applies a multi-path update atomically below <paramref name="path"/>: every entry or none. Returns the entries as
    /// written (relative key without the leading slash, resolved value), in the given order.
    /// </summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="identity">Who writes.</param>
    /// <param name="path">The common location.</param>
    /// <param name="entries">Relative paths and their new values.</param>
    /// <param name="writeSizeLimit">The request's <c>writeSizeLimit</c>, or <see langword="null"/> for the database default.</param>
    /// <param name="dryRun">Whether to stop after the checks, writing nothing.</param>
    /// <exception cref="FirebaseHttpException">Two entries overlap (400), or as for a set.</exception>
    public IReadOnlyList<KeyValuePair<string, DataNode>> Update(
        FirebaseNamespace ns, FirebaseIdentity identity, RealtimePath path, IReadOnlyList<(RealtimePath Relative, DataNode Value)> entries,
        string? writeSizeLimit = null, bool dryRun = false)
    {
        CheckDisjoint(entries);

        // What does not depend on the current tree is prepared before taking the namespace's write lock, which every other
        // writer waits for: the absolute paths and the keys as written.
        var count = entries.Count;
        var targets = new RealtimePath[count];
        var written = new KeyValuePair<string, DataNode>[count];
        for (var i = 0; i < count; i++)
        {
            var (relative, value) = entries[i];
            targets[i] = path.Child(relative);
            written[i] = new(relative.ToString()[1..], value);
        }

        lock (ns.WriteGate)
        {
            var root = ns.Database.Root;
            var now = NowMilliseconds();
            var updates = new Dictionary<string, DataNode>(count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var (key, value) = written[i];
                if (value.ContainsServerValues)
                {
                    // Only a server value needs the current value (an increment adds to it).
                    written[i] = new(key, value = value.ResolveServerValues(root.GetAt(targets[i]), now));
                }

                updates.Add(key, value);
            }

            CheckWriteSize(writeSizeLimit, () => updates.Values.Sum(Size) + targets.Sum(t => Size(root.GetAt(t))));
            if (NeedsRules(ns, identity))
            {
                // Only then is the would-be tree built: the rules read it through newData and root.
                var newRoot = root;
                for (var i = 0; i < count; i++)
                {
                    newRoot = newRoot.SetAt(targets[i], written[i].Value);
                }

                Authorize(ns, identity, root, newRoot, targets, now);
            }

            if (!dryRun)
            {
                ns.Database.Update(path, updates);
            }
        }

        return written;
    }

    /// <summary>Adds a child with a new push id under <paramref name="parent"/>; returns its key.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="identity">Who writes.</param>
    /// <param name="parent">The parent location.</param>
    /// <param name="value">The child's value (server values unresolved).</param>
    /// <param name="writeSizeLimit">The request's <c>writeSizeLimit</c>, or <see langword="null"/> for the database default.</param>
    public string Push(FirebaseNamespace ns, FirebaseIdentity identity, RealtimePath parent, DataNode value, string? writeSizeLimit = null)
    {
        lock (ns.WriteGate)
        {
            var root = ns.Database.Root;
            var now = NowMilliseconds();
            var key = ns.PushIds.Next();
            var path = parent.Child(key);
            var resolved = value.ResolveServerValues(DataNode.Null, now);
            CheckWriteSize(writeSizeLimit, () => Size(resolved));
            if (NeedsRules(ns, identity))
            {
                Authorize(ns, identity, root, root.SetAt(path, resolved), [path], now);
            }

            ns.Database.Set(path, resolved);
            return key;
        }
    }

    /// <summary>Checks that <paramref name="identity"/> may make a write turning <paramref name="oldRoot"/> into <paramref name="newRoot"/>.</summary>
    /// <exception cref="FirebaseHttpException">The rules refuse it (401 Permission denied).</exception>
    public static void Authorize(
        FirebaseNamespace ns, FirebaseIdentity identity, DataNode oldRoot, DataNode newRoot, IReadOnlyList<RealtimePath> targets, double now)
    {
        if (!identity.IsAdmin && !ns.Rules.CanWrite(identity.Auth, oldRoot, newRoot, targets, now))
        {
            throw FirebaseHttpException.PermissionDenied();
        }
    }

    /// <summary>Whether a write by <paramref name="identity"/> must be checked against the rules (not for admins or the open default rules).</summary>
    private static bool NeedsRules(FirebaseNamespace ns, FirebaseIdentity identity) =>
        !identity.IsAdmin && !ReferenceEquals(ns.Rules, FirebaseRules.Open);

    /// <summary>Refuses a multi-path update in which one entry is another's location or lies below it.</summary>
    /// <exception cref="FirebaseHttpException">Two entries overlap (400).</exception>
    public static void CheckDisjoint(IReadOnlyList<(RealtimePath Relative, DataNode Value)> entries)
    {
        if (WriteValidation.FindOverlap(entries, static e => e.Relative) is var (outer, inner))
        {
            throw FirebaseHttpException.BadRequest(
                $"Invalid data: the update keys \"{outer.Relative.ToString()[1..]}\" and \"{inner.Relative.ToString()[1..]}\" overlap; a multi-path update needs disjoint paths.");
        }
    }

    /// <summary>The value at <paramref name="path"/>, once the precondition (if any) accepted it.</summary>
    private static DataNode Current(DataNode root, RealtimePath path, Func<DataNode, FirebaseHttpException?>? precondition)
    {
        var current = root.GetAt(path);
        return precondition?.Invoke(current) is { } refusal ? throw refusal : current;
    }

    private long NowMilliseconds() => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Refuses a write whose estimated duration (<paramref name="cost"/> bytes at the configured write rate) exceeds the
    /// target of its <c>writeSizeLimit</c>, before anything is stored. The cost is only computed when a limit applies.
    /// </summary>
    private void CheckWriteSize(string? requested, Func<long> cost)
    {
        if ((requested ?? options.DefaultWriteSizeLimit) is not { } limit || limit == "unlimited")
        {
            return;
        }

        var target = limit switch
        {
            "tiny" => 1,
            "small" => 10,
            "medium" => 30,
            _ => 60,
        };
        var seconds = (double)cost() / options.WriteBytesPerSecond;
        if (seconds > target)
        {
            throw FirebaseHttpException.BadRequest(FirebaseMessages.WriteTooBig(limit, seconds, target));
        }
    }

    private static long Size(DataNode value) => value.IsNull ? 0 : value.ToUtf8Json(export: true).Length;
}
