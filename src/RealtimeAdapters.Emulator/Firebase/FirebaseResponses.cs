using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>Writes REST responses: JSON values (compact or pretty) and errors in the service's shape.</summary>
internal static class FirebaseResponses
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public static Task WriteValueAsync(HttpResponse response, DataNode value, bool export, FirebasePrintMode print, int status = 200)
    {
        if (print == FirebasePrintMode.Silent && status == 200)
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        return WriteJsonAsync(response, status, print == FirebasePrintMode.Pretty, writer => value.WriteTo(writer, export));
    }

    public static Task WriteJsonAsync(HttpResponse response, int status, bool pretty, Action<Utf8JsonWriter> write)
    {
        response.StatusCode = status;
        response.ContentType = JsonContentType;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = pretty, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        if (pretty)
        {
            buffer.Write("\n"u8);
        }

        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    /// <summary>Writes <c>{"error" : "…"}</c> as the service does (pretty, with a space before the colon).</summary>
    public static Task WriteErrorAsync(HttpResponse response, int status, string message)
    {
        response.StatusCode = status;
        response.ContentType = JsonContentType;
        var text = "{\n  \"error\" : " + "\"" + JsonEncodedText.Encode(message, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"" + "\n}\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes).AsTask();
    }
}
