using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol;

// JsonWire: the JSON side of the shared field lists (WireReading).
public static partial class JsonWire
{
    /// <summary>
    /// <see cref="IWireReader"/> over a <see cref="Utf8JsonReader"/>: a field's value is reached only when
    /// <see cref="FieldIs"/> matches, so an unknown field's value is skipped without being read.
    /// </summary>
    internal ref struct FieldReader : IWireReader
    {
        // Held by value (a ref field cannot refer to a ref struct): the entry point copies it back when done.
        public Utf8JsonReader Reader;

        public FieldReader(Utf8JsonReader reader) => Reader = reader;

        public readonly string NullName => "null";

        public bool IsObject => Reader.TokenType == JsonTokenType.StartObject;

        public bool IsString => Reader.TokenType == JsonTokenType.String;

        public int BeginObject(string what)
        {
            ExpectObject(ref Reader, what);
            return 0;
        }

        public bool NextField(ref int state) => NextProperty(ref Reader);

        public bool FieldIs(ReadOnlySpan<byte> name)
        {
            if (!Reader.ValueTextEquals(name))
            {
                return false;
            }

            Advance(ref Reader);
            return true;
        }

        public void SkipField() => JsonWire.SkipValue(ref Reader);

        public void SkipValue() => Reader.Skip();

        // A null token is left by the next read.
        public bool TryReadNull() => Reader.TokenType == JsonTokenType.Null;

        public bool BeginArray(string field, out int state)
        {
            state = -1;
            if (Reader.TokenType == JsonTokenType.Null)
            {
                return false;
            }

            return Reader.TokenType == JsonTokenType.StartArray ? true : throw WrongType(field, "an array", Reader.TokenType);
        }

        public bool NextItem(ref int state)
        {
            Advance(ref Reader);
            return Reader.TokenType != JsonTokenType.EndArray;
        }

        public string? ReadString(string field) => JsonWire.ReadString(ref Reader, field);

        public int? ReadInt32(string field) => JsonWire.ReadInt32(ref Reader, field);

        public long? ReadInt64(string field) => JsonWire.ReadInt64(ref Reader, field);

        public long? ReadTimestamp(string field) => JsonWire.ReadTimestamp(ref Reader, field);

        public long? ReadInt64OrNumericString(string field) => JsonWire.ReadInt64OrNumericString(ref Reader, field);

        public string? ReadCapabilityString() => JsonWire.ReadCapabilityString(ref Reader);

        public Dictionary<string, string>? ReadStringMap(string field) => JsonWire.ReadStringMap(ref Reader, field);

        public WireData ReadData() => JsonWire.ReadData(ref Reader);

        public JsonElement? ReadElement() => JsonWire.ReadElement(ref Reader);

        public JsonElement ReadJson() => JsonElement.ParseValue(ref Reader);
    }
}
