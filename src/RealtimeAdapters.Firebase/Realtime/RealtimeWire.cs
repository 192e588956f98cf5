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
    public static byte[] Envelope(long number, string action, byte[] body)
    {
        var buffer = new ArrayBufferWriter<byte>(body.Length + 48);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("t", "d");
            json.WriteStartObject("d");
            json.WriteNumber("r", number);
            json.WriteString("a", action);
            json.WritePropertyName("b");
            json.WriteRawValue(body, skipInputValidation: true);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
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
        var changes = new List<ServerChange>();
        foreach (var (path, value, isPriority) in entries)
        {
            if (location.IsAncestorOrSelf(path))
            {
                changes.Add(new ServerChange(location.RelativeTo(path), value, isPriority));
            }
            else if (path.IsAncestorOrSelf(location) && !isPriority)
            {
                changes.Add(new ServerChange(RealtimePath.Root, value.GetAt(path.RelativeTo(location))));
            }
        }

        return changes;
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
