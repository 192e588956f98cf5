namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// The <c>channelSerial</c> of a presence SYNC (RTP18): <c>syncId:cursor</c>; an empty cursor marks the last message of
/// the sync, and a SYNC with no <c>channelSerial</c> is a whole sync by itself.
/// </summary>
internal readonly record struct SyncCursor(string SyncId, string Cursor)
{
    /// <summary>Whether this message ends the sync.</summary>
    public bool IsLast => Cursor.Length == 0;

    public override string ToString() => SyncId + ":" + Cursor;

    /// <summary>Parses a SYNC <c>channelSerial</c>; null or empty means a one-message sync (<see cref="IsLast"/> true).</summary>
    public static SyncCursor Parse(string? channelSerial)
    {
        if (string.IsNullOrEmpty(channelSerial))
        {
            return new SyncCursor(string.Empty, string.Empty);
        }

        var colon = channelSerial.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? new SyncCursor(channelSerial, string.Empty) : new SyncCursor(channelSerial[..colon], channelSerial[(colon + 1)..]);
    }
}
