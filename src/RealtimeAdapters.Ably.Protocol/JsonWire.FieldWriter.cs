using System.Text.Json;
using RealtimeAdapters.Ably.Protocol.LiveObjects;

namespace RealtimeAdapters.Ably.Protocol;

// JsonWire: the JSON side of the shared field lists (WireWriting).
public static partial class JsonWire
{
    /// <summary><see cref="IWireWriter"/> over a <see cref="Utf8JsonWriter"/>.</summary>
    internal readonly struct FieldWriter : IWireWriter
    {
        private readonly Utf8JsonWriter _w;

        public FieldWriter(Utf8JsonWriter writer) => _w = writer;

        public void BeginObject(int fieldCount) => _w.WriteStartObject();

        public void EndObject() => _w.WriteEndObject();

        public void Name(ReadOnlySpan<byte> name) => _w.WritePropertyName(name);

        public void BeginArray(ReadOnlySpan<byte> name, int count) => _w.WriteStartArray(name);

        public void EndArray() => _w.WriteEndArray();

        public void String(ReadOnlySpan<byte> name, string? value) => WriteIf(_w, name, value);

        public void Int32(ReadOnlySpan<byte> name, int? value) => WriteIf(_w, name, value);

        public void Int64(ReadOnlySpan<byte> name, long? value) => WriteIf(_w, name, value);

        public void UInt32(ReadOnlySpan<byte> name, uint value) => _w.WriteNumber(name, (long)value);

        public void Json(ReadOnlySpan<byte> name, JsonElement? value)
        {
            if (value is { } v)
            {
                _w.WritePropertyName(name);
                v.WriteTo(_w);
            }
        }

        public void StringMap(ReadOnlySpan<byte> name, IReadOnlyDictionary<string, string>? value)
        {
            if (value is { } map)
            {
                _w.WritePropertyName(name);
                WriteStringMap(_w, map);
            }
        }

        /// <summary>Binary cannot travel in JSON: it goes as base64 with <c>base64</c> appended to the encoding (RSL4d).</summary>
        public (WireData Data, string? Encoding) ForFormat(WireData data, string? encoding) =>
            data.Kind == WireDataKind.Binary ? (data, string.IsNullOrEmpty(encoding) ? "base64" : encoding + "/base64") : (data, encoding);

        public void Data(WireData data)
        {
            switch (data.Kind)
            {
                case WireDataKind.String:
                    _w.WriteString("data"u8, data.AsString());
                    break;
                case WireDataKind.Binary:
                    _w.WriteBase64String("data"u8, data.AsBytes());
                    break;
                case WireDataKind.Json:
                    _w.WritePropertyName("data"u8);
                    data.AsJson().WriteTo(_w);
                    break;
            }
        }

        public void StringItem(string? value)
        {
            if (value is null)
            {
                _w.WriteNullValue();
            }
            else
            {
                _w.WriteStringValue(value);
            }
        }

        public void ObjectMessageItem(ObjectMessage value) => ObjectMessageCodec.Write(_w, value);
    }
}
