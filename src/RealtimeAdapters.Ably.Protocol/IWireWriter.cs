using System.Text.Json;
using RealtimeAdapters.Ably.Protocol.LiveObjects;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// A format's writer as <see cref="WireWriting"/> sees it. Implemented by <see cref="JsonWire.FieldWriter"/> and
/// <see cref="MsgPackWire.FieldWriter"/> (structs, so every generic writer is specialised per format). Methods taking a
/// nullable value write nothing, not even the name, when it is null.
/// </summary>
internal interface IWireWriter
{
    /// <summary>Starts an object; msgpack writes <paramref name="fieldCount"/> as the map's size, JSON ignores it.</summary>
    void BeginObject(int fieldCount);

    void EndObject();

    /// <summary>Writes a field's name; its value (an object) follows.</summary>
    void Name(ReadOnlySpan<byte> name);

    /// <summary>Starts an array field of <paramref name="count"/> items.</summary>
    void BeginArray(ReadOnlySpan<byte> name, int count);

    void EndArray();

    void String(ReadOnlySpan<byte> name, string? value);

    void Int32(ReadOnlySpan<byte> name, int? value);

    void Int64(ReadOnlySpan<byte> name, long? value);

    void UInt32(ReadOnlySpan<byte> name, uint value);

    /// <summary>A JSON value as the format's equivalent value.</summary>
    void Json(ReadOnlySpan<byte> name, JsonElement? value);

    void StringMap(ReadOnlySpan<byte> name, IReadOnlyDictionary<string, string>? value);

    /// <summary>The data and encoding this format carries for a message's data and encoding (binary as base64 in JSON, as bin in msgpack).</summary>
    (WireData Data, string? Encoding) ForFormat(WireData data, string? encoding);

    /// <summary>Writes the <c>data</c> field (nothing for <see cref="WireData.None"/>), after <see cref="ForFormat"/>.</summary>
    void Data(WireData data);

    /// <summary>An array item that is a string or null.</summary>
    void StringItem(string? value);

    /// <summary>An array item that is a LiveObjects object message.</summary>
    void ObjectMessageItem(ObjectMessage value);
}

/// <summary>Writes one value (see <see cref="WireWriting"/>).</summary>
internal delegate void WireValueWriter<TWriter, T>(ref TWriter writer, T value) where TWriter : IWireWriter, allows ref struct;
