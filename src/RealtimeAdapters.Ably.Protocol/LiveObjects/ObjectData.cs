namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>
/// The value of a map entry (OD2): exactly one of a reference to another object, a string, a number, a boolean, bytes
/// (kept base64-encoded, as the JSON protocol carries them) or a JSON object/array (kept as its JSON text, as on the wire).
/// </summary>
public sealed record ObjectData
{
    /// <summary>A reference to another object.</summary>
    public string? ObjectId { get; init; }

    /// <summary>A string value.</summary>
    public string? String { get; init; }

    /// <summary>A number value.</summary>
    public double? Number { get; init; }

    /// <summary>A boolean value.</summary>
    public bool? Boolean { get; init; }

    /// <summary>Base64 of the bytes (bin over msgpack).</summary>
    public string? Bytes { get; init; }

    /// <summary>The JSON text of an object or array leaf.</summary>
    public string? Json { get; init; }

    /// <summary>Whether exactly one field is set.</summary>
    public bool IsValid =>
        (ObjectId is null ? 0 : 1) + (String is null ? 0 : 1) + (Number is null ? 0 : 1) + (Boolean is null ? 0 : 1) +
        (Bytes is null ? 0 : 1) + (Json is null ? 0 : 1) == 1;
}
