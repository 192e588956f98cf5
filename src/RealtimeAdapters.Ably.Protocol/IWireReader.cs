using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// A format's reader as <see cref="WireReading"/> sees it: objects as sequences of named fields, and the few value
/// shapes the wire types use. Implemented by <see cref="JsonWire.FieldReader"/> and <see cref="MsgPackWire.FieldReader"/>
/// (ref structs, so every generic reader is specialised per format: no virtual calls). Every method that reads a value
/// expects the reader on that value and leaves it after it; every type error names <c>field</c>.
/// </summary>
internal interface IWireReader
{
    /// <summary>How the format spells null in messages ("null" or "nil").</summary>
    string NullName { get; }

    /// <summary>Enters an object (a map in msgpack); the returned state is passed to <see cref="NextField"/>.</summary>
    int BeginObject(string what);

    /// <summary>Moves to the next field's name; false at the end of the object.</summary>
    bool NextField(ref int state);

    /// <summary>Whether the current field is <paramref name="name"/>; if so, the reader moves to its value.</summary>
    bool FieldIs(ReadOnlySpan<byte> name);

    /// <summary>Skips the value of a field no <see cref="FieldIs"/> matched.</summary>
    void SkipField();

    /// <summary>Skips the value the reader is on (after <see cref="FieldIs"/> matched).</summary>
    void SkipValue();

    /// <summary>True (and the null consumed) when the value is null.</summary>
    bool TryReadNull();

    bool IsObject { get; }

    bool IsString { get; }

    /// <summary>Enters an array; false for null. <paramref name="state"/> (an untrusted count, or -1) goes to <see cref="NextItem"/>.</summary>
    bool BeginArray(string field, out int state);

    /// <summary>Moves to the next item; false at the end of the array.</summary>
    bool NextItem(ref int state);

    string? ReadString(string field);

    int? ReadInt32(string field);

    long? ReadInt64(string field);

    /// <summary>Milliseconds, accepting a floating-point number (the fraction dropped) and checking the range.</summary>
    long? ReadTimestamp(string field);

    /// <summary>A millisecond value that a client may send as a numeric string (TokenRequest, TokenDetails).</summary>
    long? ReadInt64OrNumericString(string field);

    /// <summary>A capability string; an object is kept as its JSON text.</summary>
    string? ReadCapabilityString();

    Dictionary<string, string>? ReadStringMap(string field);

    /// <summary>A message's <c>data</c>, keeping its raw shape.</summary>
    WireData ReadData();

    /// <summary>Any value as JSON (msgpack bin becomes base64); null stays null.</summary>
    JsonElement? ReadElement();

    /// <summary>Any value as JSON (msgpack bin becomes base64), a null as a JSON null.</summary>
    JsonElement ReadJson();
}

/// <summary>Reads one item of an array (see <see cref="WireReading"/>).</summary>
internal delegate T WireItemReader<TReader, T>(ref TReader reader) where TReader : IWireReader, allows ref struct;
