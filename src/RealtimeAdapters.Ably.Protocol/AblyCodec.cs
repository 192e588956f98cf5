using System.Buffers;
using System.Text.Json;
using MessagePack;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// Encodes and decodes every wire type in either format. Decoding never throws anything but
/// <see cref="AblyProtocolException"/> (code 40000) for malformed input, whatever the bytes.
/// </summary>
public static class AblyCodec
{
    // ---------------------------------------------------------------- ProtocolMessage (realtime frames)

    /// <summary>A realtime frame: the ProtocolMessage (TR4) in <paramref name="format"/>.</summary>
    public static byte[] Encode(ProtocolMessage message, WireFormat format) =>
        Write(format, message, JsonWire.WriteProtocolMessage, MsgPackWire.WriteProtocolMessage);

    /// <summary>Writes a realtime frame to <paramref name="output"/> (no intermediate array).</summary>
    public static void Encode(ProtocolMessage message, WireFormat format, IBufferWriter<byte> output) =>
        Write(format, message, output, JsonWire.WriteProtocolMessage, MsgPackWire.WriteProtocolMessage);

    /// <exception cref="AblyProtocolException">The frame is malformed.</exception>
    public static ProtocolMessage DecodeProtocolMessage(ReadOnlyMemory<byte> frame, WireFormat format) =>
        Read(frame, format, "protocol message", JsonWire.ReadProtocolMessage, MsgPackWire.ReadProtocolMessage);

    // ---------------------------------------------------------------- REST bodies

    /// <summary>An array of messages (a publish body or a history page).</summary>
    public static byte[] EncodeMessages(IReadOnlyList<WireMessage> messages, WireFormat format) =>
        Write(format, messages, WriteArray<WireMessage>(JsonWire.WriteMessage), WriteArray<WireMessage>(MsgPackWire.WriteMessage));

    /// <summary>One message or an array of them.</summary>
    public static List<WireMessage> DecodeMessages(ReadOnlyMemory<byte> body, WireFormat format) =>
        Read(
            body,
            format,
            "message list",
            static (ref Utf8JsonReader r) => JsonWire.ReadOneOrMany(ref r, "message list", static (ref Utf8JsonReader x) => JsonWire.ReadMessage(ref x)),
            static (ref MessagePackReader r, int d) => MsgPackWire.ReadOneOrMany(ref r, "message list", d, static (ref MessagePackReader x, int dd) => MsgPackWire.ReadMessage(ref x, dd)));

    /// <summary>One message (TM2) as a document of its own.</summary>
    public static byte[] EncodeMessage(WireMessage message, WireFormat format) =>
        Write(format, message, JsonWire.WriteMessage, MsgPackWire.WriteMessage);

    internal static WireMessage DecodeMessage(ReadOnlyMemory<byte> body, WireFormat format) =>
        Read(body, format, "message", JsonWire.ReadMessage, MsgPackWire.ReadMessage);

    /// <summary>An array of presence messages (TP3): a presence page or a publish body.</summary>
    public static byte[] EncodePresenceMessages(IReadOnlyList<WirePresenceMessage> messages, WireFormat format) =>
        Write(format, messages, WriteArray<WirePresenceMessage>(JsonWire.WritePresence), WriteArray<WirePresenceMessage>(MsgPackWire.WritePresence));

    /// <summary>One presence message or an array of them.</summary>
    public static List<WirePresenceMessage> DecodePresenceMessages(ReadOnlyMemory<byte> body, WireFormat format) =>
        Read(
            body,
            format,
            "presence list",
            static (ref Utf8JsonReader r) => JsonWire.ReadOneOrMany(ref r, "presence list", static (ref Utf8JsonReader x) => JsonWire.ReadPresence(ref x)),
            static (ref MessagePackReader r, int d) => MsgPackWire.ReadOneOrMany(ref r, "presence list", d, static (ref MessagePackReader x, int dd) => MsgPackWire.ReadPresence(ref x, dd)));

    /// <summary>An error body: <c>{"error":{…}}</c> when <paramref name="enveloped"/> (REST), else the bare ErrorInfo.</summary>
    public static byte[] EncodeError(ErrorInfo error, WireFormat format, bool enveloped = true) => enveloped
        ? Write(
            format,
            error,
            static (w, e) =>
            {
                w.WriteStartObject();
                w.WritePropertyName("error"u8);
                JsonWire.WriteError(w, e);
                w.WriteEndObject();
            },
            static (ref MessagePackWriter w, ErrorInfo e) =>
            {
                w.WriteMapHeader(1);
                w.WriteString("error"u8);
                MsgPackWire.WriteError(ref w, e);
            })
        : Write(format, error, JsonWire.WriteError, MsgPackWire.WriteError);

    /// <summary>
    /// The error of a failed REST response: its body decoded by the response's content type, or, when the body is not an
    /// Ably error, one made from the HTTP status (code status × 100); the status code is filled in when the body lacks it.
    /// </summary>
    public static ErrorInfo DecodeHttpError(ReadOnlyMemory<byte> body, string? mediaType, int status)
    {
        ErrorInfo error;
        try
        {
            error = DecodeError(body, mediaType == "application/x-msgpack" ? WireFormat.MsgPack : WireFormat.Json);
        }
        catch (AblyProtocolException)
        {
            return new ErrorInfo { Code = status * 100, StatusCode = status, Message = "HTTP " + status.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        return error.StatusCode == 0 ? error with { StatusCode = status } : error;
    }

    /// <summary>Reads an error body, enveloped (<c>{"error":{…}}</c>) or bare.</summary>
    internal static ErrorInfo DecodeError(ReadOnlyMemory<byte> body, WireFormat format)
    {
        var error = Read(body, format, "error body", JsonWire.ReadError, MsgPackWire.ReadError);
        if (error.Code != 0 || error.Message is not null)
        {
            return error;
        }

        // Enveloped: the outer object had only the "error" member, which the bare reader skipped.
        return Read(
            body,
            format,
            "error body",
            static (ref Utf8JsonReader r) => ReadEnvelopedJson(ref r),
            static (ref MessagePackReader r, int d) => ReadEnvelopedMsgPack(ref r, d));
    }

    /// <summary>The body of a <c>requestToken</c> call (TE1).</summary>
    public static byte[] EncodeTokenRequest(TokenRequest request, WireFormat format) =>
        Write(format, request, JsonWire.WriteTokenRequest, MsgPackWire.WriteTokenRequest);

    /// <summary>Reads a TokenRequest (TE1); a malformed body throws <see cref="AblyProtocolException"/>.</summary>
    public static TokenRequest DecodeTokenRequest(ReadOnlyMemory<byte> body, WireFormat format) =>
        Read(body, format, "token request", JsonWire.ReadTokenRequest, MsgPackWire.ReadTokenRequest);

    /// <summary>The answer to a token request (TD1).</summary>
    public static byte[] EncodeTokenDetails(TokenDetails details, WireFormat format) =>
        Write(format, details, JsonWire.WriteTokenDetails, MsgPackWire.WriteTokenDetails);

    /// <summary>Reads TokenDetails (TD1); a malformed body throws <see cref="AblyProtocolException"/>.</summary>
    public static TokenDetails DecodeTokenDetails(ReadOnlyMemory<byte> body, WireFormat format) =>
        Read(body, format, "token details", JsonWire.ReadTokenDetails, MsgPackWire.ReadTokenDetails);

    /// <summary>Connection details (CD2) as a document of their own.</summary>
    public static byte[] EncodeConnectionDetails(ConnectionDetails details, WireFormat format) =>
        Write(format, details, JsonWire.WriteConnectionDetails, MsgPackWire.WriteConnectionDetails);

    internal static ConnectionDetails DecodeConnectionDetails(ReadOnlyMemory<byte> body, WireFormat format) =>
        Read(body, format, "connection details", JsonWire.ReadConnectionDetails, MsgPackWire.ReadConnectionDetails);

    /// <summary>A publish result (the <c>serials</c> of a REST publish or of one ACK entry).</summary>
    public static byte[] EncodePublishResult(PublishResult result, WireFormat format) =>
        Write(format, result, JsonWire.WritePublishResult, MsgPackWire.WritePublishResult);

    internal static PublishResult DecodePublishResult(ReadOnlyMemory<byte> body, WireFormat format) =>
        Read(body, format, "publish result", JsonWire.ReadPublishResult, MsgPackWire.ReadPublishResult);

    // ---------------------------------------------------------------- plumbing

    private delegate void MsgPackWriteFunc<in T>(ref MessagePackWriter writer, T value);

    private static byte[] Write<T>(WireFormat format, T value, Action<Utf8JsonWriter, T> json, MsgPackWriteFunc<T> msgpack)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(format, value, buffer, json, msgpack);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Write<T>(WireFormat format, T value, IBufferWriter<byte> output, Action<Utf8JsonWriter, T> json, MsgPackWriteFunc<T> msgpack)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(output);
        if (format == WireFormat.Json)
        {
            using var writer = new Utf8JsonWriter(output, JsonWire.WriterOptions);
            json(writer, value);
        }
        else
        {
            var writer = new MessagePackWriter(output);
            msgpack(ref writer, value);
            writer.Flush();
        }
    }

    private static Action<Utf8JsonWriter, IReadOnlyList<T>> WriteArray<T>(Action<Utf8JsonWriter, T> item) => (w, list) =>
    {
        w.WriteStartArray();
        foreach (var x in list)
        {
            item(w, x);
        }

        w.WriteEndArray();
    };

    private static MsgPackWriteFunc<IReadOnlyList<T>> WriteArray<T>(MsgPackWriteFunc<T> item) => (ref MessagePackWriter w, IReadOnlyList<T> list) =>
    {
        w.WriteArrayHeader(list.Count);
        foreach (var x in list)
        {
            item(ref w, x);
        }
    };

    private static T Read<T>(ReadOnlyMemory<byte> bytes, WireFormat format, string what, JsonWire.ReadFunc<T> json, MsgPackWire.ReadFunc<T> msgpack) =>
        format == WireFormat.Json ? JsonWire.ReadDocument(bytes.Span, json, what) : MsgPackWire.ReadDocument(bytes, msgpack, what);

    private static ErrorInfo ReadEnvelopedJson(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw AblyProtocolException.Malformed("The error body must be an object.");
        }

        ErrorInfo? error = null;
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            var isError = r.ValueTextEquals("error"u8);
            r.Read();
            if (isError && r.TokenType == JsonTokenType.StartObject)
            {
                error = JsonWire.ReadError(ref r);
            }
            else
            {
                r.Skip();
            }
        }

        return error ?? throw AblyProtocolException.Malformed("The error body has no error.");
    }

    private static ErrorInfo ReadEnvelopedMsgPack(ref MessagePackReader r, int depth)
    {
        if (r.NextMessagePackType != MessagePackType.Map)
        {
            throw AblyProtocolException.Malformed("The error body must be a map.");
        }

        ErrorInfo? error = null;
        var count = r.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = r.ReadString();
            if (string.Equals(key, "error", StringComparison.Ordinal) && r.NextMessagePackType == MessagePackType.Map)
            {
                error = MsgPackWire.ReadError(ref r, depth + 1);
            }
            else
            {
                MsgPackWire.Skip(ref r, depth + 1);
            }
        }

        return error ?? throw AblyProtocolException.Malformed("The error body has no error.");
    }
}
