using System.Text.Json;
using MessagePack;

namespace RealtimeAdapters.Ably.Protocol;

// MsgPackWire: the msgpack side of the shared field lists (WireReading).
public static partial class MsgPackWire
{
    /// <summary>
    /// <see cref="IWireReader"/> over a <see cref="MessagePackReader"/>: maps are counted (the count is the state of
    /// <see cref="NextField"/>), the current key is kept for <see cref="FieldIs"/>, and the nesting depth is tracked here
    /// so that every skip and nested value is checked against <see cref="MaxDepth"/> as before.
    /// </summary>
    internal ref struct FieldReader : IWireReader
    {
        // Held by value (a ref field cannot refer to a ref struct): the entry point copies it back when done.
        public MessagePackReader Reader;
        private ReadOnlySpan<byte> _key;

        // The depth of the value being read (a field's value is one deeper than its map).
        private int _depth;

        public FieldReader(MessagePackReader reader, int depth)
        {
            Reader = reader;
            _depth = depth;
        }

        public readonly string NullName => "nil";

        public bool IsObject => Reader.NextMessagePackType == MessagePackType.Map;

        public bool IsString => Reader.NextMessagePackType == MessagePackType.String;

        public int BeginObject(string what)
        {
            var count = ExpectMap(ref Reader, what, _depth);
            _depth++;
            return count;
        }

        public bool NextField(ref int state)
        {
            if (state == 0)
            {
                _depth--;
                return false;
            }

            state--;
            _key = ReadKey(ref Reader);
            return true;
        }

        public bool FieldIs(ReadOnlySpan<byte> name) => _key.SequenceEqual(name);

        public void SkipField() => Skip(ref Reader, _depth);

        public void SkipValue() => Skip(ref Reader, _depth);

        public bool TryReadNull() => Reader.TryReadNil();

        public bool BeginArray(string field, out int state)
        {
            state = 0;
            if (Reader.TryReadNil())
            {
                return false;
            }

            CheckDepth(_depth);
            if (Reader.NextMessagePackType != MessagePackType.Array)
            {
                throw WrongType(field, "an array", Reader.NextMessagePackType);
            }

            state = Reader.ReadArrayHeader();
            _depth++;
            return true;
        }

        public bool NextItem(ref int state)
        {
            if (state == 0)
            {
                _depth--;
                return false;
            }

            state--;
            return true;
        }

        public string? ReadString(string field) => MsgPackWire.ReadString(ref Reader, field);

        public int? ReadInt32(string field) => MsgPackWire.ReadInt32(ref Reader, field);

        public long? ReadInt64(string field) => MsgPackWire.ReadInt64(ref Reader, field);

        public long? ReadTimestamp(string field) => MsgPackWire.ReadTimestamp(ref Reader, field);

        public long? ReadInt64OrNumericString(string field) => MsgPackWire.ReadInt64OrNumericString(ref Reader, field);

        public string? ReadCapabilityString() => MsgPackWire.ReadCapabilityString(ref Reader, _depth);

        public Dictionary<string, string>? ReadStringMap(string field) => MsgPackWire.ReadStringMap(ref Reader, field, _depth);

        public WireData ReadData() => MsgPackWire.ReadData(ref Reader, _depth);

        public JsonElement? ReadElement() => Reader.TryReadNil() ? null : ReadAsJson(ref Reader, _depth);

        public JsonElement ReadJson() => ReadAsJson(ref Reader, _depth);
    }
}
