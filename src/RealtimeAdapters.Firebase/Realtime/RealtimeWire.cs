using System.Buffers;
using System.Text.Json;
using RealtimeAdapters.Firebase.Internal;
using RealtimeAdapters.Firebase.Protocol;

namespace RealtimeAdapters.Firebase.Realtime;

/// <summary>The client's side of the realtime protocol's messages: requests and listens written, pushes and paths read.</summary>
internal static class RealtimeWire
{
    /// <summary>JSON for the wire: no HTML escaping of '+', '&lt;' or non-ASCII text.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The protocol's ping; the database answers every one with a pong.
    public static readonly byte[] Ping = """{"t":"c","d":{"t":"p","d":{}}}"""u8.ToArray();

    /// <summary>A data message: <c>{"t":"d","d":{"r":n,"a":action,"b":body}}</c>.</summary>
    /// <remarks>
    /// Built by concatenation rather than through a JSON writer: it is the one message every request pays for, the body
    /// is JSON already, and an action is one of the protocol's short ASCII names.
    /// </remarks>
    public static byte[] Envelope(long number, string action, byte[] body)
    {
        System.Diagnostics.Debug.Assert(action.All(static c => c is >= 'a' and <= 'z'), "An action is a short ASCII name.");
        Span<byte> digits = stackalloc byte[20];
        System.Buffers.Text.Utf8Formatter.TryFormat(number, digits, out var length);
        var message = new byte[EnvelopeStart.Length + length + ActionStart.Length + action.Length + BodyStart.Length + body.Length + 2];
        var at = message.AsSpan();
        EnvelopeStart.CopyTo(at);
        at = at[EnvelopeStart.Length..];
        digits[..length].CopyTo(at);
        at = at[length..];
        ActionStart.CopyTo(at);
        at = at[ActionStart.Length..];
        at = at[System.Text.Encoding.ASCII.GetBytes(action, at)..];
        BodyStart.CopyTo(at);
        at = at[BodyStart.Length..];
        body.CopyTo(at);
        at[body.Length] = (byte)'}';
        at[body.Length + 1] = (byte)'}';
        return message;
    }

    private static ReadOnlySpan<byte> EnvelopeStart => """{"t":"d","d":{"r":"""u8;

    private static ReadOnlySpan<byte> ActionStart => ",\"a\":\""u8;

    private static ReadOnlySpan<byte> BodyStart => "\",\"b\":"u8;

    /// <summary>The JSON string <c>""</c>, the data of an <c>ok</c> without any.</summary>
    public static readonly JsonElement EmptyString = ParseEmptyString();

    /// <summary>
    /// Whether <paramref name="message"/> is exactly <c>{"t":"d","d":{"r":n,"b":{"s":"ok","d":""}}}</c>, the answer to a
    /// write, and its request number. Any other layout (or message) is left to the full parse.
    /// </summary>
    public static bool TryReadOk(ReadOnlySpan<byte> message, out long number)
    {
        number = 0;
        if (!message.StartsWith(EnvelopeStart) || !message.EndsWith(OkEnd))
        {
            return false;
        }

        var digits = message[EnvelopeStart.Length..^OkEnd.Length];
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return digits.Length is > 0 and <= 18 && System.Buffers.Text.Utf8Parser.TryParse(digits, out number, out _);
    }

    private static JsonElement ParseEmptyString()
    {
        using var document = JsonDocument.Parse("\"\"");
        return document.RootElement.Clone();
    }

    private static ReadOnlySpan<byte> OkEnd => ""","b":{"s":"ok","d":""}}}"""u8;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// The UTF-8 JSON <paramref name="write"/> produces, through a writer and buffer kept per thread (a request body is
    /// written on every write call; the writer is not).
    /// </summary>
    public static byte[] Json<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        var json = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        buffer.ResetWrittenCount();
        json.Reset(buffer);
        try
        {
            write(json, state);
            json.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            // A large value's buffer is not kept for the thread's lifetime.
            if (buffer.Capacity > 64 * 1024)
            {
                t_buffer = null;
                t_writer = null;
            }
        }
    }

    public static byte[] ListenBody(RealtimeWatch watch, string? hash)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("p", watch.Query.Path.ToString());
            if (watch.Tag is { } tag)
            {
                json.WritePropertyName("q");
                WireQueryWriter.Write(json, watch.Query);
                json.WriteNumber("t", tag);
            }

            if (hash is not null)
            {
                json.WriteString("h", hash);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The entries as a listen at <paramref name="location"/> sees them: below it as they are, above it cut down to it.</summary>
    public static List<ServerChange> ChangesFor(RealtimePath location, List<(RealtimePath Path, DataNode Value, bool IsPriority)> entries)
    {
        var changes = new List<ServerChange>(entries.Count);
        foreach (var (path, value, isPriority) in entries)
        {
            if (TryChangeFor(location, path, value, isPriority, out var change))
            {
                changes.Add(change);
            }
        }

        return changes;
    }

    /// <summary>One entry as a listen at <paramref name="location"/> sees it, if it concerns that listen.</summary>
    public static bool TryChangeFor(RealtimePath location, RealtimePath path, DataNode value, bool isPriority, out ServerChange change)
    {
        if (location.IsAncestorOrSelf(path))
        {
            change = new ServerChange(location.RelativeTo(path), value, isPriority);
            return true;
        }

        if (path.IsAncestorOrSelf(location) && !isPriority)
        {
            change = new ServerChange(RealtimePath.Root, value.GetAt(path.RelativeTo(location)));
            return true;
        }

        change = default;
        return false;
    }

    /// <summary>A path as the wire names it (with or without a leading slash; a last <c>.priority</c> segment names a priority).</summary>
    public static (RealtimePath Path, bool IsPriority) WirePath(string wire)
    {
        var change = ServerChange.At(wire, DataNode.Null);
        return (change.Path, change.IsPriority);
    }

    public static string ReadReason(JsonElement push) =>
        push.TryGetProperty("d", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! :
        push.TryGetProperty("s", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "no reason given";

}
