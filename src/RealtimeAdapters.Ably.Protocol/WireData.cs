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

    public static WireData None => default;

    public WireDataKind Kind { get; }

    public bool IsNone => Kind == WireDataKind.None;

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

    public string AsString() => _value as string ?? throw new InvalidOperationException($"The wire data is {Kind}, not String.");

    public byte[] AsBytes() => _value as byte[] ?? throw new InvalidOperationException($"The wire data is {Kind}, not Binary.");

    public JsonElement AsJson() => _value is JsonElement e ? e : throw new InvalidOperationException($"The wire data is {Kind}, not Json.");

    public bool Equals(WireData other) => Kind == other.Kind && Kind switch
    {
        WireDataKind.None => true,
        WireDataKind.String => string.Equals((string)_value!, (string)other._value!, StringComparison.Ordinal),
        WireDataKind.Binary => ((byte[])_value!).AsSpan().SequenceEqual((byte[])other._value!),
        _ => JsonElement.DeepEquals((JsonElement)_value!, (JsonElement)other._value!),
    };

    public override bool Equals(object? obj) => obj is WireData other && Equals(other);

    public override int GetHashCode() => Kind switch
    {
        WireDataKind.String => HashCode.Combine(Kind, (string)_value!),
        WireDataKind.Binary => HashCode.Combine(Kind, ((byte[])_value!).Length),
        _ => (int)Kind,
    };

    public override string ToString() => Kind switch
    {
        WireDataKind.String => (string)_value!,
        WireDataKind.Binary => "bin:" + Convert.ToBase64String((byte[])_value!),
        WireDataKind.Json => ((JsonElement)_value!).GetRawText(),
        _ => string.Empty,
    };

    public static bool operator ==(WireData left, WireData right) => left.Equals(right);

    public static bool operator !=(WireData left, WireData right) => !left.Equals(right);
}
