namespace RealtimeAdapters.Ably.Protocol;

/// <summary>How a <c>data</c> field appeared on the wire.</summary>
public enum WireDataKind
{
    /// <summary>Absent or null.</summary>
    None,

    /// <summary>A JSON string or msgpack str.</summary>
    String,

    /// <summary>A msgpack bin.</summary>
    Binary,

    /// <summary>An object, array, number or boolean sent as-is (no <c>json</c> encoding step).</summary>
    Json,
}
