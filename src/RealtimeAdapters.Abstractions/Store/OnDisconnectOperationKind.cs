namespace RealtimeAdapters;

/// <summary>What an <see cref="OnDisconnectOperation"/> does.</summary>
public enum OnDisconnectOperationKind
{
    /// <summary>Replace the value at the path (<see cref="DataNode.Null"/> removes it).</summary>
    Set,

    /// <summary>Write several children below the path, as <see cref="IRealtimeStore.UpdateAsync"/> does.</summary>
    Update,

    /// <summary>Remove the value at the path.</summary>
    Remove,

    /// <summary>Forget the operations registered at the path and below it.</summary>
    Cancel,
}
