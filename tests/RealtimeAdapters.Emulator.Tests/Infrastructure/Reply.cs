using System.Net;
using System.Text.Json;

namespace RealtimeAdapters.Emulator.Tests.Infrastructure;

/// <summary>A REST response, read fully.</summary>
internal sealed record Reply(HttpStatusCode Status, string Body, string? ETag, HttpResponseMessage Response)
{
    public JsonElement Json
    {
        get
        {
            using var doc = JsonDocument.Parse(Body);
            return doc.RootElement.Clone();
        }
    }

    /// <summary>The <c>error</c> of an error body (and asserts the body has the service's shape).</summary>
    public string Error
    {
        get
        {
            var json = Json;
            Assert.Equal(JsonValueKind.Object, json.ValueKind);
            Assert.Single(json.EnumerateObject());
            return json.GetProperty("error").GetString()!;
        }
    }

    /// <summary>The body as a normalised node, for comparisons that ignore key order and formatting.</summary>
    public DataNode Node => DataNode.Parse(Body);

    public override string ToString() => $"{(int)Status} {Body}";
}
