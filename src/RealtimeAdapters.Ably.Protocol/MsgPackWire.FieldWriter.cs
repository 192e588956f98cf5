using System.Text.Json;
using MessagePack;
using RealtimeAdapters.Ably.Protocol.LiveObjects;

namespace RealtimeAdapters.Ably.Protocol;

// MsgPackWire: the msgpack side of the shared field lists (WireWriting).
public static partial class MsgPackWire
{
    /// <summary><see cref="IWireWriter"/> over a <see cref="MessagePackWriter"/>: maps and arrays are sized up front, so nothing ends them.</summary>
    internal ref struct FieldWriter : IWireWriter
    {
        // Held by value (a ref field cannot refer to a ref struct): the entry point copies it back when done.
        public MessagePackWriter Writer;

        public FieldWriter(MessagePackWriter writer) => Writer = writer;

        public void BeginObject(int fieldCount) => Writer.WriteMapHeader(fieldCount);

        public readonly void EndObject()
        {
        }

        public void Name(ReadOnlySpan<byte> name) => Key(ref Writer, name);

        public void BeginArray(ReadOnlySpan<byte> name, int count)
        {
            Key(ref Writer, name);
            Writer.WriteArrayHeader(count);
        }

        public readonly void EndArray()
        {
        }

        public void String(ReadOnlySpan<byte> name, string? value) => WriteIf(ref Writer, name, value);

        public void Int32(ReadOnlySpan<byte> name, int? value) => WriteIf(ref Writer, name, value);

        public void Int64(ReadOnlySpan<byte> name, long? value) => WriteIf(ref Writer, name, value);

        public void UInt32(ReadOnlySpan<byte> name, uint value)
        {
            Key(ref Writer, name);
            Writer.Write(value);
        }

        public void Json(ReadOnlySpan<byte> name, JsonElement? value)
        {
            if (value is { } v)
            {
                Key(ref Writer, name);
                WriteJson(ref Writer, v);
            }
        }

        public void StringMap(ReadOnlySpan<byte> name, IReadOnlyDictionary<string, string>? value)
        {
            if (value is { } map)
            {
                Key(ref Writer, name);
                WriteStringMap(ref Writer, map);
            }
        }

        public readonly (WireData Data, string? Encoding) ForFormat(WireData data, string? encoding) => ForMsgPack(data, encoding);

        public void Data(WireData data) => WriteData(ref Writer, data);

        public void StringItem(string? value)
        {
            if (value is null)
            {
                Writer.WriteNil();
            }
            else
            {
                Writer.Write(value);
            }
        }

        public void ObjectMessageItem(ObjectMessage value) => WriteObjectJson(ref Writer, ObjectMessageCodec.ToElement(value), bytesField: false);
    }
}
