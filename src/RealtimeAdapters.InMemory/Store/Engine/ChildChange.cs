namespace RealtimeAdapters.InMemory;

/// <summary>One child of a watched location whose value a write changed; <see cref="DataNode.Null"/> stands for "absent".</summary>
internal readonly record struct ChildChange(string Key, DataNode Old, DataNode New)
{
    /// <summary>
    /// The changed children of <paramref name="newNode"/> against <paramref name="oldNode"/>, found by walking both sorted
    /// child maps together; reference-equal children (shared, untouched subtrees) are skipped without comparing them.
    /// </summary>
    public static void Diff(DataNode oldNode, DataNode newNode, List<ChildChange> into)
    {
        var a = oldNode.EnumerateChildren();
        var b = newNode.EnumerateChildren();
        if (a.Count == 0)
        {
            foreach (var (key, child) in b)
            {
                into.Add(new(key, DataNode.Null, child));
            }

            return;
        }

        if (b.Count == 0)
        {
            foreach (var (key, child) in a)
            {
                into.Add(new(key, child, DataNode.Null));
            }

            return;
        }

        using var ea = a.GetEnumerator();
        using var eb = b.GetEnumerator();
        var hasA = ea.MoveNext();
        var hasB = eb.MoveNext();
        while (hasA || hasB)
        {
            var c = !hasA ? 1 : !hasB ? -1 : KeyComparer.Instance.Compare(ea.Current.Key, eb.Current.Key);
            if (c < 0)
            {
                into.Add(new(ea.Current.Key, ea.Current.Value, DataNode.Null));
                hasA = ea.MoveNext();
            }
            else if (c > 0)
            {
                into.Add(new(eb.Current.Key, DataNode.Null, eb.Current.Value));
                hasB = eb.MoveNext();
            }
            else
            {
                var (oldChild, newChild) = (ea.Current.Value, eb.Current.Value);
                if (!ReferenceEquals(oldChild, newChild) && !oldChild.Equals(newChild))
                {
                    into.Add(new(ea.Current.Key, oldChild, newChild));
                }

                hasA = ea.MoveNext();
                hasB = eb.MoveNext();
            }
        }
    }
}
