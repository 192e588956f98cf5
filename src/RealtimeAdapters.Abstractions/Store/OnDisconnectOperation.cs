namespace RealtimeAdapters;

/// <summary>
/// A write the backend performs at a path when this client's connection is lost, registered with
/// <see cref="IRealtimeStore.OnDisconnectAsync"/> (Firebase's <c>onDisconnect</c>). Server values are resolved when the
/// operation runs, so <c>ServerValue.Timestamp</c> records the moment of the disconnect.
/// </summary>
/// <remarks>
/// Operations are kept per path: a <see cref="Set(DataNode)"/> or <see cref="Remove"/> replaces the operations
/// registered earlier at that path and below it; each child of an <see cref="Update"/> is a set at its own path;
/// <see cref="Cancel"/> forgets the operations at the path and below. They run once, in registration order, after the
/// writes this client made before the connection was lost; a client that reconnects registers them again.
/// </remarks>
public sealed class OnDisconnectOperation
{
    private static readonly OnDisconnectOperation RemoveOperation = new(OnDisconnectOperationKind.Remove, DataNode.Null, null);
    private static readonly OnDisconnectOperation CancelOperation = new(OnDisconnectOperationKind.Cancel, DataNode.Null, null);

    private OnDisconnectOperation(OnDisconnectOperationKind kind, DataNode value, IReadOnlyDictionary<string, DataNode>? updates)
    {
        Kind = kind;
        Value = value;
        Updates = updates;
    }

    /// <summary>What the operation does.</summary>
    public OnDisconnectOperationKind Kind { get; }

    /// <summary>The value a <see cref="OnDisconnectOperationKind.Set"/> writes; <see cref="DataNode.Null"/> otherwise.</summary>
    public DataNode Value { get; }

    /// <summary>The relative paths and values of an <see cref="OnDisconnectOperationKind.Update"/>; null otherwise.</summary>
    public IReadOnlyDictionary<string, DataNode>? Updates { get; }

    /// <summary>When the connection is lost, replace the value at the path with <paramref name="value"/>.</summary>
    /// <param name="value">The value (server values allowed; <see cref="DataNode.Null"/> removes).</param>
    public static OnDisconnectOperation Set(DataNode value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(OnDisconnectOperationKind.Set, value, null);
    }

    /// <summary>When the connection is lost, write each entry below the path (keys are relative paths, as in <see cref="IRealtimeStore.UpdateAsync"/>).</summary>
    /// <param name="updates">Relative paths and values; copied.</param>
    public static OnDisconnectOperation Update(IReadOnlyDictionary<string, DataNode> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        return new(OnDisconnectOperationKind.Update, DataNode.Null, new Dictionary<string, DataNode>(updates, StringComparer.Ordinal));
    }

    /// <summary>When the connection is lost, remove the value at the path.</summary>
    public static OnDisconnectOperation Remove() => RemoveOperation;

    /// <summary>Forget the operations registered at the path and below it.</summary>
    public static OnDisconnectOperation Cancel() => CancelOperation;
}
