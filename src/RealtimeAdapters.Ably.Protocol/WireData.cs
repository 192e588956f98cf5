using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// The raw <c>data</c> field of a Message or PresenceMessage, exactly as carried on the wire (still encoded: read it
/// together with the message's <c>encoding</c>). Immutable.
/// </summary>
public readonly struct WireData : IEquatable<WireData>
{
    private readonly object? _value;

    private WireData(WireDataKind kind, object? value)
    {
        Kind = kind;
        _value = value;
    }

    /// <summary>No data.</summary>
    public static WireData None => default;

    /// <summary>Which kind of value the data holds.</summary>
    public WireDataKind Kind { get; }

    /// <summary>Whether there is no data.</summary>
    public bool IsNone => Kind == WireDataKind.None;

    /// <summary>String data (text, or base64/JSON text to be decoded per the encoding).</summary>
    public static WireData FromString(string value) => new(WireDataKind.String, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>Binary data; the array is kept, not copied (callers hand over ownership).</summary>
    public static WireData FromBytes(byte[] value) => new(WireDataKind.Binary, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>A JSON value; strings become <see cref="WireDataKind.String"/>, null becomes <see cref="None"/>.</summary>
    public static WireData FromJson(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => None,
        JsonValueKind.String => FromString(value.GetString()!),
        _ => new(WireDataKind.Json, value),
    };

    /// <summary>The string; throws unless <see cref="Kind"/> is <see cref="WireDataKind.String"/>.</summary>
    public string AsString() => _value as string ?? throw new InvalidOperationException($"The wire data is {Kind}, not String.");

    /// <summary>The bytes (not a copy); throws unless <see cref="Kind"/> is <see cref="WireDataKind.Binary"/>.</summary>
    public byte[] AsBytes() => _value as byte[] ?? throw new InvalidOperationException($"The wire data is {Kind}, not Binary.");

    /// <summary>The JSON value; throws unless <see cref="Kind"/> is <see cref="WireDataKind.Json"/>.</summary>
    public JsonElement AsJson() => _value is JsonElement e ? e : throw new InvalidOperationException($"The wire data is {Kind}, not Json.");

    /// <summary>Whether both hold the same kind and value (bytes compared by content).</summary>
    public bool Equals(WireData other) => Kind == other.Kind && Kind switch
    {
        WireDataKind.None => true,
        WireDataKind.String => string.Equals((string)_value!, (string)other._value!, StringComparison.Ordinal),
        WireDataKind.Binary => ((byte[])_value!).AsSpan().SequenceEqual((byte[])other._value!),
        _ => JsonElement.DeepEquals((JsonElement)_value!, (JsonElement)other._value!),
    };

    /// <summary>Whether <paramref name="obj"/> is equal wire data.</summary>
    public override bool Equals(object? obj) => obj is WireData other && Equals(other);

    /// <summary>A hash consistent with <see cref="Equals(WireData)"/>.</summary>
    public override int GetHashCode() => Kind switch
    {
        WireDataKind.String => HashCode.Combine(Kind, (string)_value!),
        WireDataKind.Binary => HashCode.Combine(Kind, ((byte[])_value!).Length),
        _ => (int)Kind,
    };

    /// <summary>A short description for diagnostics.</summary>
    public override string ToString() => Kind switch
    {
        WireDataKind.String => (string)_value!,
        WireDataKind.Binary => "bin:" + Convert.ToBase64String((byte[])_value!),
        WireDataKind.Json => ((JsonElement)_value!).GetRawText(),
        _ => string.Empty,
    };

    /// <summary>Whether both are equal.</summary>
    public static bool operator ==(WireData left, WireData right) => left.Equals(right);

    /// <summary>Whether they differ.</summary>
    public static bool operator !=(WireData left, WireData right) => !left.Equals(right);
}
