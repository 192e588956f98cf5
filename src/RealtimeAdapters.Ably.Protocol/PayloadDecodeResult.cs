namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// What <see cref="PayloadEncoder.Decode"/> produced: the payload as far as it could be decoded, the encoding steps left
/// undone (none on success), and why decoding stopped.
/// </summary>
public readonly record struct PayloadDecodeResult(MessageData Data, string? RemainingEncoding, ErrorInfo? Error)
{
    /// <summary>Whether every encoding step was undone.</summary>
    public bool Succeeded => Error is null;
}
