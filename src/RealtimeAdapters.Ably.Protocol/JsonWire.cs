using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// The JSON form of every wire type, written and read by hand so that unknown fields are skipped, absent fields stay
/// absent, <c>data</c> keeps its raw shape, and every type error names the field.
/// </summary>
public static partial class JsonWire
{
    /// <summary>Deeper documents are refused; protocol types nest only a few levels.</summary>
    internal const int MaxDepth = 64;

    internal static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    // Frames go to WebSocket peers and HTTP bodies, never into HTML, so only what JSON itself requires is escaped.
    /// <summary>The writer options of every JSON body and frame: compact, with the relaxed escaping Ably's SDKs read.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    // ---------------------------------------------------------------- writers

    /// <summary>Reads one whole document with <paramref name="read"/>, turning every reader failure into a 40000 error.</summary>
    internal static T ReadDocument<T>(ReadOnlySpan<byte> utf8, ReadFunc<T> read, string what)
    {
        if (utf8.IsEmpty)
        {
            throw Malformed($"The {what} is empty.");
        }

        try
        {
            var r = new Utf8JsonReader(utf8, ReaderOptions);
            Advance(ref r);

            var value = read(ref r);
            if (r.Read())
            {
                throw Malformed($"The {what} has content after its end.");
            }

            return value;
        }
        catch (JsonException ex)
        {
            throw Malformed($"The {what} is not valid JSON: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw Malformed($"The {what} is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>One object or an array of them (REST accepts both forms of a publish body).</summary>
    internal static List<T> ReadOneOrMany<T>(ref Utf8JsonReader r, string what, ReadFunc<T> read) where T : class
    {
        if (r.TokenType == JsonTokenType.StartObject)
        {
            return [read(ref r)];
        }

        return ReadArray(ref r, what, read) ?? throw Malformed($"The {what} must be an object or an array, not null.");
    }

    internal static List<T>? ReadArray<T>(ref Utf8JsonReader r, string field, ReadFunc<T> read)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw WrongType(field, "an array", r.TokenType);
        }

        var list = new List<T>();
        while (true)
        {
            Advance(ref r);
            if (r.TokenType == JsonTokenType.EndArray)
            {
                return list;
            }

            list.Add(read(ref r));
        }
    }

    private static void ExpectObject(ref Utf8JsonReader r, string what)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw WrongType(what, "an object", r.TokenType);
        }
    }

    /// <summary>Moves to the next property name; false at the end of the object.</summary>
    private static bool NextProperty(ref Utf8JsonReader r)
    {
        Advance(ref r);
        return r.TokenType != JsonTokenType.EndObject;
    }

    private static void Advance(ref Utf8JsonReader r)
    {
        if (!r.Read())
        {
            throw Malformed("The JSON ends too early.");
        }
    }

    private static void SkipValue(ref Utf8JsonReader r)
    {
        Advance(ref r);
        r.Skip();
    }

    private static WireData ReadData(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.Null => WireData.None,
        JsonTokenType.String => WireData.FromString(r.GetString()!),
        _ => WireData.FromJson(JsonElement.ParseValue(ref r)),
    };

    private static JsonElement? ReadElement(ref Utf8JsonReader r) =>
        r.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref r);

    private static string? ReadString(ref Utf8JsonReader r, string field) => r.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => r.GetString(),
        _ => throw WrongType(field, "a string", r.TokenType),
    };

    /// <summary>A capability is a JSON string, but a client may send the object itself: keep its text then.</summary>
    private static string? ReadCapabilityString(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => r.GetString(),
        JsonTokenType.StartObject => JsonElement.ParseValue(ref r).GetRawText(),
        _ => throw WrongType("capability", "a string", r.TokenType),
    };

    private static int? ReadInt32(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType == JsonTokenType.Number && r.TryGetInt32(out var value))
        {
            return value;
        }

        throw WrongType(field, "a 32-bit integer", r.TokenType);
    }

    private static long? ReadInt64(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var value))
        {
            return value;
        }

        throw WrongType(field, "an integer", r.TokenType);
    }

    /// <summary>Timestamps may come as floating-point numbers (e.g. <c>1.7e12</c>); the fraction of a millisecond is dropped.</summary>
    private static long? ReadTimestamp(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType == JsonTokenType.Number)
        {
            if (r.TryGetInt64(out var value))
            {
                return CheckTimestamp(value, field);
            }

            if (r.TryGetDouble(out var d))
            {
                return CheckTimestamp(d, field);
            }
        }

        throw WrongType(field, "a number (milliseconds)", r.TokenType);
    }

    private static long? ReadInt64OrNumericString(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType == JsonTokenType.String &&
            long.TryParse(r.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        return ReadTimestamp(ref r, field);
    }

    private static Dictionary<string, string>? ReadStringMap(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        ExpectObject(ref r, field);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (NextProperty(ref r))
        {
            var key = r.GetString()!;
            Advance(ref r);
            map[key] = r.TokenType switch
            {
                JsonTokenType.String => r.GetString()!,

                // Parameters are strings on the wire, but a peer may send a number or a boolean: keep its text.
                JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False =>
                    System.Text.Encoding.UTF8.GetString(r.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(r.ValueSequence) : r.ValueSpan),
                _ => throw WrongType($"{field}.{key}", "a string", r.TokenType),
            };
        }

        return map;
    }

    internal static long CheckTimestamp(double value, string field) =>
        double.IsFinite(value) && value >= MinTimestamp && value <= MaxTimestamp
            ? (long)value
            : throw Malformed($"Field '{field}' is not a valid time in milliseconds.");

    /// <summary>The range <see cref="DateTimeOffset.FromUnixTimeMilliseconds"/> accepts: a timestamp outside it is malformed.</summary>
    public const long MinTimestamp = -62_135_596_800_000;

    /// <summary>The latest timestamp accepted on the wire (9999-12-31T23:59:59.999Z), in ms since the Unix epoch.</summary>
    public const long MaxTimestamp = 253_402_300_799_999;

    internal static long CheckTimestamp(long value, string field) =>
        value is >= MinTimestamp and <= MaxTimestamp ? value : throw Malformed($"Field '{field}' is not a valid time in milliseconds.");

    /// <summary>Parses a JSON value standing alone (e.g. a <c>json</c>-encoded payload) with the depth limit.</summary>
    public static JsonElement ParseElement(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8, DocumentOptions);
        return document.RootElement.Clone();
    }

    /// <summary>Parses a JSON text into a detached element; invalid JSON throws <see cref="AblyProtocolException"/>.</summary>
    public static JsonElement ParseElement(string text)
    {
        using var document = JsonDocument.Parse(text, DocumentOptions);
        return document.RootElement.Clone();
    }

    private static AblyProtocolException WrongType(string field, string expected, JsonTokenType actual) =>
        Malformed($"Field '{field}' must be {expected}, not {Describe(actual)}.");

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static AblyProtocolException Malformed(string message, Exception? inner = null) => AblyProtocolException.Malformed(message, inner);
}
