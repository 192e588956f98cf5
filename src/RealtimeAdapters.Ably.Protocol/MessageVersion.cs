using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>The <c>version</c> of a mutable message (TM2s): which edit this is and who made it.</summary>
public sealed record MessageVersion
{
    public string? Serial { get; set; }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long? Timestamp { get; set; }

    public string? ClientId { get; set; }

    public string? Description { get; set; }

    /// <summary>A JSON object of string values.</summary>
    public JsonElement? Metadata { get; set; }
}
