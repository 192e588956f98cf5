namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// The writes a connection registered with <c>onDisconnect</c>, in order, to run once when it closes. Kept per path as the
/// SDK keeps them: a later set at a path replaces the operations at that path and below; each child of a merge is a set
/// of its own; a cancel drops the operations at that path and below.
/// </summary>
internal sealed class DisconnectOperations
{
    private readonly List<DisconnectOperation> _operations = [];

    public int Count => _operations.Count;

    public void Set(RealtimePath path, bool isPriority, DataNode value)
    {
        if (isPriority)
        {
            // A priority replaces only an earlier priority at the same path; the value there stays.
            _operations.RemoveAll(o => o.IsPriority && o.Path == path);
        }
        else
        {
            Cancel(path);
        }

        _operations.Add(new DisconnectOperation(path, isPriority, value));
    }

    public void Merge(RealtimePath path, IEnumerable<(RealtimePath Relative, DataNode Value)> entries)
    {
        foreach (var (relative, value) in entries)
        {
            Set(path.Child(relative), isPriority: false, value);
        }
    }

    public void Cancel(RealtimePath path) => _operations.RemoveAll(o => path.IsAncestorOrSelf(o.Path));

    /// <summary>Hands the operations over, in registration order, and forgets them (they run once).</summary>
    public IReadOnlyList<DisconnectOperation> Take()
    {
        var taken = _operations.ToList();
        _operations.Clear();
        return taken;
    }
}
