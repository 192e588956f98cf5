using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>The <c>version</c> of a mutable message (TM2s): which edit this is and who made it.</summary>
public sealed record MessageVersion
{
    /// <summary>The serial of this version.</summary>
    public string? Serial { get; set; }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long? Timestamp { get; set; }

    /// <summary>Who made the edit.</summary>
    public string? ClientId { get; set; }

    /// <summary>The editor's description of the edit.</summary>
    public string? Description { get; set; }

    /// <summary>A JSON object of string values.</summary>
    public JsonElement? Metadata { get; set; }
}
