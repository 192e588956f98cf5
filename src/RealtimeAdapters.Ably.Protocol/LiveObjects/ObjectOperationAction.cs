namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>The action of an object operation (OOP2); unknown values are carried and ignored when applied.</summary>
public enum ObjectOperationAction
{
    MapCreate = 0,
    MapSet = 1,
    MapRemove = 2,
    CounterCreate = 3,
    CounterInc = 4,
    ObjectDelete = 5,
    MapClear = 6,
}
