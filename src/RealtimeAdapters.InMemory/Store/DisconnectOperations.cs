namespace RealtimeAdapters.InMemory;

/// <summary>
/// One store's on-disconnect writes, kept per path as Firebase keeps them: a set (or removal) replaces the operations at
/// its path and below, each child of an update is a set at its own path, a cancel forgets the path and what is below.
/// <see cref="TakeAll"/> hands them over, in registration order, exactly once. The in-memory store keeps one per store;
/// a server (the emulator) keeps one per client connection and applies them, in one write, when the connection ends.
/// </summary>
public sealed class DisconnectOperations
{
    private readonly Lock _gate = new();
    private List<(RealtimePath Path, DataNode Value)>? _operations = [];

    /// <summary>Validates and records <paramref name="operation"/> at <paramref name="path"/>; false once the operations were taken.</summary>
    /// <param name="path">Where the operation applies.</param>
    /// <param name="operation">A set, update, removal or cancel.</param>
    /// <exception cref="RealtimeValidationException">The operation is invalid at the path.</exception>
    public bool Register(RealtimePath path, OnDisconnectOperation operation)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(operation);
        List<(RealtimePath Path, DataNode Value)> sets;
        switch (operation.Kind)
        {
            case OnDisconnectOperationKind.Set:
                WriteValidation.ValidateWrite(path, operation.Value);
                sets = [(path, operation.Value)];
                break;
            case OnDisconnectOperationKind.Remove:
                sets = [(path, DataNode.Null)];
                break;
            case OnDisconnectOperationKind.Update:
                sets = [.. WriteValidation.ValidateUpdate(path, operation.Updates!).Select(static e => (e.Absolute, e.Value))];
                break;
            default:
                sets = [];
                break;
        }

        lock (_gate)
        {
            if (_operations is null)
            {
                return false;
            }

            if (operation.Kind == OnDisconnectOperationKind.Cancel)
            {
                _operations.RemoveAll(o => path.IsAncestorOrSelf(o.Path));
                return true;
            }

            foreach (var set in sets)
            {
                _operations.RemoveAll(o => set.Path.IsAncestorOrSelf(o.Path));
                _operations.Add(set);
            }

            return true;
        }
    }

    /// <summary>The recorded operations (each a location and the value to write there, null to remove) in registration order; later registrations are refused.</summary>
    public IReadOnlyList<(RealtimePath Path, DataNode Value)> TakeAll()
    {
        lock (_gate)
        {
            var all = _operations ?? [];
            _operations = null;
            return all;
        }
    }
}
