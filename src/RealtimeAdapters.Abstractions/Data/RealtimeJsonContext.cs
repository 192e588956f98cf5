using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace RealtimeAdapters;

/// <summary>
/// Source-generated metadata for what the library itself serializes (JSON nodes, strings, bytes), so that none of its own
/// work needs reflection; <see cref="RealtimeJson.DefaultOptions"/> falls back to it where reflection is disabled.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(byte[]))]
internal sealed partial class RealtimeJsonContext : JsonSerializerContext;
