using System.Text.Json;

namespace RealtimeAdapters.Collaboration;

/// <summary>One last-writer-wins cell of an object's state: every replicated type is a map of such cells.</summary>
/// <param name="Stamp">The timestamp of the write; the later one wins.</param>
/// <param name="Value">The value written.</param>
internal readonly record struct CrdtCell(HybridTimestamp Stamp, JsonElement Value);
