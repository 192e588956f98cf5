using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RealtimeAdapters;

/// <summary>
/// The payload of a channel message or presence message: nothing, a string, binary data or a JSON value (the three
/// payload types of the Ably model). Immutable.
/// </summary>
public readonly struct MessageData : IEquatable<MessageData>
{
    private readonly object? _value;

    private MessageData(MessageDataKind kind, object? value)
    {
        Kind = kind;
        _value = value;
    }

    /// <summary>No payload.</summary>
    public static MessageData None => default;

    /// <summary>What kind of payload this is.</summary>
    public MessageDataKind Kind { get; }

    /// <summary>Whether there is no payload.</summary>
    public bool IsNone => Kind == MessageDataKind.None;

    /// <summary>A string payload.</summary>
    /// <param name="value">The string.</param>
    public static MessageData FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(MessageDataKind.String, value);
    }

    /// <summary>A binary payload (the bytes are copied).</summary>
    /// <param name="value">The bytes.</param>
    public static MessageData FromBytes(ReadOnlySpan<byte> value) => new(MessageDataKind.Binary, value.ToArray());

    /// <summary>A JSON payload. A JSON string becomes a string payload and JSON null becomes no payload.</summary>
    /// <param name="value">The JSON value.</param>
    public static MessageData FromJson(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => None,
        JsonValueKind.String => FromString(value.GetString()!),
        _ => new(MessageDataKind.Json, value.Clone()),
    };

    /// <summary>Serializes <paramref name="value"/> to a payload (strings stay strings, byte arrays binary).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="options">Serializer options; <see cref="RealtimeJson.DefaultOptions"/> when omitted.</param>
    [RequiresUnreferencedCode(RealtimeJson.ReflectionMessage)]
    [RequiresDynamicCode(RealtimeJson.ReflectionMessage)]
    public static MessageData From<T>(T value, JsonSerializerOptions? options = null) => value switch
    {
        null => None,
        MessageData data => data,
        string s => FromString(s),
        byte[] b => FromBytes(b),
        _ => FromJson(JsonSerializer.SerializeToElement(value, options ?? RealtimeJson.DefaultOptions)),
    };

    /// <summary>Serializes <paramref name="value"/> with source-generated metadata.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">Serializer metadata.</param>
    public static MessageData From<T>(T value, JsonTypeInfo<T> typeInfo) => FromJson(JsonSerializer.SerializeToElement(value, typeInfo));

    /// <summary>Converts a string to a payload.</summary>
    public static implicit operator MessageData(string value) => FromString(value);

    /// <summary>Converts bytes to a payload.</summary>
    public static implicit operator MessageData(byte[] value) => FromBytes(value);

    /// <summary>Converts a JSON value to a payload.</summary>
    public static implicit operator MessageData(JsonElement value) => FromJson(value);

    /// <summary>The string payload.</summary>
    /// <exception cref="InvalidOperationException">The payload is not a string.</exception>
    public string AsString() => _value as string ?? throw WrongKind(MessageDataKind.String);

    /// <summary>The binary payload.</summary>
    /// <exception cref="InvalidOperationException">The payload is not binary.</exception>
    public ReadOnlyMemory<byte> AsBytes() => _value is byte[] b ? b : throw WrongKind(MessageDataKind.Binary);

    /// <summary>The JSON payload.</summary>
    /// <exception cref="InvalidOperationException">The payload is not JSON.</exception>
    public JsonElement AsJson() => _value is JsonElement e ? e : throw WrongKind(MessageDataKind.Json);

    /// <summary>Reads the payload as <typeparamref name="T"/>: JSON deserialized, strings as JSON strings, binary as base64.</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="options">Serializer options; <see cref="RealtimeJson.DefaultOptions"/> when omitted.</param>
    /// <exception cref="JsonException">The payload does not fit <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode(RealtimeJson.ReflectionMessage)]
    [RequiresDynamicCode(RealtimeJson.ReflectionMessage)]
    [SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "The JsonTypeInfo<T> overload beside it has as many parameters and a different type, as DataSnapshot.GetValue has.")]
    public T? GetValue<T>(JsonSerializerOptions? options = null) =>
        GetValue((JsonTypeInfo<T>)(options ?? RealtimeJson.DefaultOptions).GetTypeInfo(typeof(T)));

    /// <summary>
    /// Reads the payload as <typeparamref name="T"/> with source-generated metadata (trimming and AOT friendly): JSON
    /// deserialized, strings as JSON strings, binary as base64.
    /// </summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="typeInfo">Serializer metadata for <typeparamref name="T"/>.</param>
    /// <exception cref="JsonException">The payload does not fit <typeparamref name="T"/>.</exception>
    public T? GetValue<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return Kind switch
        {
            MessageDataKind.None => default,
            MessageDataKind.String when typeof(T) == typeof(string) => (T)_value!,
            MessageDataKind.Binary when typeof(T) == typeof(byte[]) => (T)(object)((byte[])_value!).ToArray(),
            MessageDataKind.Json => ((JsonElement)_value!).Deserialize(typeInfo),
            MessageDataKind.String => JsonSerializer.SerializeToElement((string)_value!, RealtimeJsonContext.Default.String).Deserialize(typeInfo),
            _ => JsonSerializer.SerializeToElement((byte[])_value!, RealtimeJsonContext.Default.ByteArray).Deserialize(typeInfo),
        };
    }

    /// <summary>
    /// The size the payload counts for in message size limits (Ably TM6): UTF-8 bytes of a string, the byte count of binary
    /// data, the UTF-8 bytes of JSON text.
    /// </summary>
    public int GetSize() => Kind switch
    {
        MessageDataKind.String => Encoding.UTF8.GetByteCount((string)_value!),
        MessageDataKind.Binary => ((byte[])_value!).Length,
        MessageDataKind.Json => Encoding.UTF8.GetByteCount(((JsonElement)_value!).GetRawText()),
        _ => 0,
    };

    private InvalidOperationException WrongKind(MessageDataKind wanted) => new($"The payload is {Kind}, not {wanted}.");

    /// <inheritdoc />
    public bool Equals(MessageData other) => Kind == other.Kind && Kind switch
    {
        MessageDataKind.None => true,
        MessageDataKind.String => string.Equals((string)_value!, (string)other._value!, StringComparison.Ordinal),
        MessageDataKind.Binary => ((byte[])_value!).AsSpan().SequenceEqual((byte[])other._value!),
        _ => JsonElement.DeepEquals((JsonElement)_value!, (JsonElement)other._value!),
    };

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MessageData other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Kind switch
    {
        MessageDataKind.String => HashCode.Combine(Kind, (string)_value!),
        MessageDataKind.Binary => HashCode.Combine(Kind, ((byte[])_value!).Length),
        _ => (int)Kind,
    };

    /// <summary>A readable form: the string, <c>base64:…</c> for binary, or JSON text.</summary>
    public override string ToString() => Kind switch
    {
        MessageDataKind.String => (string)_value!,
        MessageDataKind.Binary => "base64:" + Convert.ToBase64String((byte[])_value!),
        MessageDataKind.Json => ((JsonElement)_value!).GetRawText(),
        _ => string.Empty,
    };

    /// <summary>Equality.</summary>
    public static bool operator ==(MessageData left, MessageData right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(MessageData left, MessageData right) => !left.Equals(right);
}
