namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>The action of an object operation (OOP2); unknown values are carried and ignored when applied.</summary>
public enum ObjectOperationAction
{
    /// <summary>Creates a map (MAP_CREATE).</summary>
    MapCreate = 0,
    /// <summary>Sets a key of a map (MAP_SET).</summary>
    MapSet = 1,
    /// <summary>Removes a key of a map (MAP_REMOVE).</summary>
    MapRemove = 2,
    /// <summary>Creates a counter (COUNTER_CREATE).</summary>
    CounterCreate = 3,
    /// <summary>Adds to a counter (COUNTER_INC).</summary>
    CounterInc = 4,
    /// <summary>Deletes an object (OBJECT_DELETE; only the service sends it).</summary>
    ObjectDelete = 5,
    /// <summary>Clears a map (MAP_CLEAR; only the service sends it).</summary>
    MapClear = 6,
}
