using System.Buffers;
using System.Text;
using System.Text.Json;
using MessagePack;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// The msgpack form of every wire type: maps keyed by the JSON field names, strings as str, binary data as bin. Reading
/// tolerates ints and floats for timestamps, str or bin for strings, and skips unknown keys with a depth limit.
/// </summary>
public static partial class MsgPackWire
{
    internal const int MaxDepth = JsonWire.MaxDepth;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // ---------------------------------------------------------------- writers

    /// <summary>Reads one whole msgpack document with <paramref name="read"/>, turning every reader failure into a 40000 error.</summary>
    internal static T ReadDocument<T>(ReadOnlyMemory<byte> bytes, ReadFunc<T> read, string what)
    {
        if (bytes.IsEmpty)
        {
            throw Malformed($"The {what} is empty.");
        }

        try
        {
            var r = new MessagePackReader(bytes);
            var value = read(ref r, 0);
            if (!r.End)
            {
                throw Malformed($"The {what} has content after its end.");
            }

            return value;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException or
            DecoderFallbackException or InvalidOperationException or ArgumentException or JsonException)
        {
            throw Malformed($"The {what} is not valid msgpack: {ex.Message}", ex);
        }
    }

    private static int ExpectMap(ref MessagePackReader r, string what, int depth)
    {
        CheckDepth(depth);
        if (r.NextMessagePackType != MessagePackType.Map)
        {
            throw WrongType(what, "a map", r.NextMessagePackType);
        }

        return r.ReadMapHeader();
    }

    private static void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Malformed($"The msgpack nests deeper than {MaxDepth} levels.");
        }
    }

    /// <summary>A map key as UTF-8 bytes; keys are str, but bin is accepted too.</summary>
    private static ReadOnlySpan<byte> ReadKey(scoped ref MessagePackReader r)
    {
        switch (r.NextMessagePackType)
        {
            case MessagePackType.String:
                if (r.TryReadStringSpan(out var span))
                {
                    return span;
                }

                return r.ReadStringSequence() is { } seq ? seq.ToArray() : default;
            case MessagePackType.Binary:
                return r.ReadBytes() is { } bytes ? bytes.ToArray() : default;
            default:
                throw WrongType("map key", "a string", r.NextMessagePackType);
        }
    }

    internal static void Skip(ref MessagePackReader r, int depth)
    {
        CheckDepth(depth);
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Map:
            {
                var count = r.ReadMapHeader();
                for (var i = 0; i < count; i++)
                {
                    Skip(ref r, depth + 1);
                    Skip(ref r, depth + 1);
                }

                break;
            }

            case MessagePackType.Array:
            {
                var count = r.ReadArrayHeader();
                for (var i = 0; i < count; i++)
                {
                    Skip(ref r, depth + 1);
                }

                break;
            }

            default:
                r.Skip();
                break;
        }
    }

    private static WireData ReadData(ref MessagePackReader r, int depth)
    {
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Nil:
                r.ReadNil();
                return WireData.None;
            case MessagePackType.String:
                return WireData.FromString(r.ReadString()!);
            case MessagePackType.Binary:
                return WireData.FromBytes(r.ReadBytes() is { } bytes ? bytes.ToArray() : []);
            case MessagePackType.Extension:
                throw Malformed("Field 'data' must not be a msgpack extension.");
            default:
                return WireData.FromJson(ReadAsJson(ref r, depth));
        }
    }

    private static string? ReadString(ref MessagePackReader r, string field)
    {
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Nil:
                r.ReadNil();
                return null;
            case MessagePackType.String:
                return r.ReadString();
            case MessagePackType.Binary:
                return r.ReadBytes() is { } bytes ? StrictUtf8.GetString(bytes.ToArray()) : null;
            default:
                throw WrongType(field, "a string", r.NextMessagePackType);
        }
    }

    private static string? ReadCapabilityString(ref MessagePackReader r, int depth) =>
        r.NextMessagePackType == MessagePackType.Map ? ReadAsJson(ref r, depth).GetRawText() : ReadString(ref r, "capability");

    private static int? ReadInt32(ref MessagePackReader r, string field)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        if (r.NextMessagePackType == MessagePackType.Integer)
        {
            return r.ReadInt32();
        }

        throw WrongType(field, "a 32-bit integer", r.NextMessagePackType);
    }

    private static long? ReadInt64(ref MessagePackReader r, string field)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        if (r.NextMessagePackType == MessagePackType.Integer)
        {
            return r.ReadInt64();
        }

        throw WrongType(field, "an integer", r.NextMessagePackType);
    }

    /// <summary>msgpack encoders may write a millisecond time as a float64; the fraction is dropped.</summary>
    private static long? ReadTimestamp(ref MessagePackReader r, string field)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        return r.NextMessagePackType switch
        {
            MessagePackType.Integer => JsonWire.CheckTimestamp(r.ReadInt64(), field),
            MessagePackType.Float => JsonWire.CheckTimestamp(r.ReadDouble(), field),
            _ => throw WrongType(field, "a number (milliseconds)", r.NextMessagePackType),
        };
    }

    private static long? ReadInt64OrNumericString(ref MessagePackReader r, string field)
    {
        if (r.NextMessagePackType == MessagePackType.String)
        {
            var text = r.ReadString();
            return long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw Malformed($"Field '{field}' must be a number.");
        }

        return ReadTimestamp(ref r, field);
    }

    private static Dictionary<string, string>? ReadStringMap(ref MessagePackReader r, string field, int depth)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        var count = ExpectMap(ref r, field, depth);
        var map = new Dictionary<string, string>(Math.Min(count, 64), StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = ReadString(ref r, field + " key") ?? throw Malformed($"A key of '{field}' is nil.");
            map[key] = r.NextMessagePackType switch
            {
                MessagePackType.String or MessagePackType.Binary => ReadString(ref r, $"{field}.{key}")!,

                // Parameters are strings on the wire, but a peer may send a number or a boolean: keep its text.
                MessagePackType.Integer or MessagePackType.Float or MessagePackType.Boolean => ReadAsJson(ref r, depth + 1).GetRawText(),
                _ => throw WrongType($"{field}.{key}", "a string", r.NextMessagePackType),
            };
        }

        return map;
    }

    /// <summary>Reads any msgpack value as JSON: maps with string keys as objects, bin as a base64 string.</summary>
    public static JsonElement ReadAsJson(ref MessagePackReader r, int depth)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonWire.WriterOptions))
        {
            CopyAsJson(ref r, writer, depth);
        }

        return JsonWire.ParseElement(buffer.WrittenMemory);
    }

    private static void CopyAsJson(ref MessagePackReader r, Utf8JsonWriter w, int depth)
    {
        CheckDepth(depth);
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Nil:
                r.ReadNil();
                w.WriteNullValue();
                break;
            case MessagePackType.Boolean:
                w.WriteBooleanValue(r.ReadBoolean());
                break;
            case MessagePackType.Integer:
                if (r.NextCode == MessagePackCode.UInt64)
                {
                    w.WriteNumberValue(r.ReadUInt64());
                }
                else
                {
                    w.WriteNumberValue(r.ReadInt64());
                }

                break;
            case MessagePackType.Float:
                var d = r.ReadDouble();
                if (!double.IsFinite(d))
                {
                    throw Malformed("A msgpack float is NaN or infinite, which JSON cannot carry.");
                }

                w.WriteNumberValue(d);
                break;
            case MessagePackType.String:
                w.WriteStringValue(r.ReadString());
                break;
            case MessagePackType.Binary:
                w.WriteBase64StringValue(r.ReadBytes() is { } bytes ? bytes.ToArray() : []);
                break;
            case MessagePackType.Array:
            {
                var count = r.ReadArrayHeader();
                w.WriteStartArray();
                for (var i = 0; i < count; i++)
                {
                    CopyAsJson(ref r, w, depth + 1);
                }

                w.WriteEndArray();
                break;
            }

            case MessagePackType.Map:
            {
                var count = r.ReadMapHeader();
                w.WriteStartObject();
                for (var i = 0; i < count; i++)
                {
                    var name = r.NextMessagePackType switch
                    {
                        MessagePackType.String or MessagePackType.Binary => ReadString(ref r, "map key")!,
                        MessagePackType.Integer => r.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => throw WrongType("map key", "a string", r.NextMessagePackType),
                    };
                    w.WritePropertyName(name);
                    CopyAsJson(ref r, w, depth + 1);
                }

                w.WriteEndObject();
                break;
            }

            default:
                throw Malformed("A msgpack extension type cannot be read as JSON.");
        }
    }

    private static AblyProtocolException WrongType(string field, string expected, MessagePackType actual) =>
        Malformed($"Field '{field}' must be {expected}, not msgpack {actual}.");

    private static AblyProtocolException Malformed(string message, Exception? inner = null) => AblyProtocolException.Malformed(message, inner);
}
