using System.Buffers;
using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// The server's messages as UTF-8 JSON envelopes: control (<c>{"t":"c","d":{"t":…,"d":…}}</c>) and data
/// (<c>{"t":"d","d":…}</c>): answers carry the request's <c>r</c>, pushes an action <c>a</c>. Values go out in export form
/// (priorities as <c>.priority</c>), which the SDKs read back losslessly.
/// </summary>
internal static class RealtimeMessages
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The handshake that opens every connection: server time, protocol version, host for later connections, session id.</summary>
    public static byte[] Handshake(long serverTime, string host, string sessionId) => Control("h", w =>
    {
        w.WriteStartObject();
        w.WriteNumber("ts", serverTime);
        w.WriteString("v", "5");
        w.WriteString("h", host);
        w.WriteString("s", sessionId);
        w.WriteEndObject();
    });

    public static byte[] Pong() => Control("o", static w =>
    {
        w.WriteStartObject();
        w.WriteEndObject();
    });

    /// <summary>A server error the client logs (<c>e</c>), sent before closing a connection that broke the protocol.</summary>
    public static byte[] Error(string text) => Control("e", w => w.WriteStringValue(text));

    /// <summary>The answer to request <paramref name="request"/>: a status and, on success, its data.</summary>
    public static byte[] Response(long request, string status, Action<Utf8JsonWriter> data) => Data(w =>
    {
        w.WriteNumber("r", request);
        w.WriteStartObject("b");
        w.WriteString("s", status);
        w.WritePropertyName("d");
        data(w);
        w.WriteEndObject();
    });

    /// <summary>
    /// <c>{"t":"d","d":{"r":n,"b":{"s":"ok","d":""}}}</c>, the answer to every write: put together from its two constant
    /// halves and the number rather than through a JSON writer (one per write of a pipelined burst).
    /// </summary>
    public static byte[] Ok(long request)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(request, digits, out var length);
        var message = new byte[OkStart.Length + length + OkEnd.Length];
        OkStart.CopyTo(message);
        digits[..length].CopyTo(message.AsSpan(OkStart.Length));
        OkEnd.CopyTo(message.AsSpan(OkStart.Length + length));
        return message;
    }

    private static ReadOnlySpan<byte> OkStart => """{"t":"d","d":{"r":"""u8;

    private static ReadOnlySpan<byte> OkEnd => ""","b":{"s":"ok","d":""}}}"""u8;

    public static byte[] Refused(long request, string status, string reason) => Response(request, status, w => w.WriteStringValue(reason));

    /// <summary>
    /// Writes an overwrite of the value at <paramref name="path"/> (<c>a: d</c>), for the listen with <paramref name="tag"/>
    /// or for every plain view, with a writer the caller reuses (a connection's pushes are encoded into one pooled buffer).
    /// </summary>
    public static void WriteOverwrite(Utf8JsonWriter w, RealtimePath path, DataNode value, long? tag)
    {
        BeginPush(w, "d");
        w.WriteString("p", path.ToString());
        w.WritePropertyName("d");
        value.WriteTo(w, export: true);
        WriteTag(w, tag);
        EndPush(w);
    }

    /// <summary>Writes a merge at <paramref name="path"/> (<c>a: m</c>): each relative path gets its new value, null deleting.</summary>
    public static void WriteMerge(Utf8JsonWriter w, RealtimePath path, IEnumerable<KeyValuePair<string, DataNode>> entries, long? tag)
    {
        BeginPush(w, "m");
        w.WriteString("p", path.ToString());
        w.WriteStartObject("d");
        foreach (var (relative, value) in entries)
        {
            w.WritePropertyName(relative);
            value.WriteTo(w, export: true);
        }

        w.WriteEndObject();
        WriteTag(w, tag);
        EndPush(w);
    }

    /// <summary>A writer for <see cref="WriteOverwrite"/> and <see cref="WriteMerge"/>, with the wire's escaping.</summary>
    public static Utf8JsonWriter CreatePushWriter(IBufferWriter<byte> output) => new(output, WriterOptions);

    // A push's envelope, {"t":"d","d":{"a":action,"b":{ ... }}}, around the body its caller writes: the pooled pushes and
    // the rare ones built as arrays (Push) share it.
    private static void BeginPush(Utf8JsonWriter w, string action)
    {
        w.WriteStartObject();
        w.WriteString("t", "d");
        w.WriteStartObject("d");
        w.WriteString("a", action);
        w.WriteStartObject("b");
    }

    private static void EndPush(Utf8JsonWriter w)
    {
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>
    /// A listen revoked (<c>a: c</c>). A tagged listen is named by its query object, echoed exactly as the client sent it
    /// inside a one-element array: the client finds the listen by that object's canonical form.
    /// </summary>
    public static byte[] Revoked(string path, JsonElement? query) => Push("c", w =>
    {
        w.WriteString("p", path);
        if (query is { } q)
        {
            w.WriteStartArray("q");
            q.WriteTo(w);
            w.WriteEndArray();
        }
    });

    /// <summary>The credential revoked (<c>a: ac</c>): the client drops it and reconnects with a fresh one.</summary>
    public static byte[] AuthRevoked(string status, string reason) => Push("ac", w =>
    {
        w.WriteString("s", status);
        w.WriteString("d", reason);
    });

    private static void WriteTag(Utf8JsonWriter w, long? tag)
    {
        if (tag is { } t)
        {
            w.WriteNumber("t", t);
        }
    }

    private static byte[] Control(string type, Action<Utf8JsonWriter> data) => Envelope("c", w =>
    {
        w.WriteStartObject("d");
        w.WriteString("t", type);
        w.WritePropertyName("d");
        data(w);
        w.WriteEndObject();
    });

    private static byte[] Push(string action, Action<Utf8JsonWriter> body) => ToArray(w =>
    {
        BeginPush(w, action);
        body(w);
        EndPush(w);
    });

    private static byte[] Data(Action<Utf8JsonWriter> content) => Envelope("d", w =>
    {
        w.WriteStartObject("d");
        content(w);
        w.WriteEndObject();
    });

    private static byte[] Envelope(string layer, Action<Utf8JsonWriter> content) => ToArray(w =>
    {
        w.WriteStartObject();
        w.WriteString("t", layer);
        content(w);
        w.WriteEndObject();
    });

    private static byte[] ToArray(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(w);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
