namespace RealtimeAdapters;

/// <summary>The kind of payload a message carries.</summary>
public enum MessageDataKind
{
    /// <summary>No payload.</summary>
    None,

    /// <summary>A string.</summary>
    String,

    /// <summary>Binary data.</summary>
    Binary,

    /// <summary>A JSON value (object, array, number, boolean).</summary>
    Json,
}
