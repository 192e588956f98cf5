using System.Globalization;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// Which of two presence messages for the same member is newer (RTP2b). Ids of the form <c>connectionId:msgSerial:index</c>
/// are compared by serial and index when both start with their own connection id; otherwise (a synthesised LEAVE, say)
/// by timestamp, the later winning and a tie going to the incoming message.
/// </summary>
internal static class PresenceNewness
{
    /// <summary>Whether <paramref name="incoming"/> supersedes <paramref name="existing"/>.</summary>
    public static bool IsNewer(WirePresenceMessage incoming, WirePresenceMessage existing)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(existing);
        if (TryParseId(incoming, out var a) && TryParseId(existing, out var b))
        {
            return a.Serial != b.Serial ? a.Serial > b.Serial : a.Index > b.Index;
        }

        return (incoming.Timestamp ?? long.MinValue) >= (existing.Timestamp ?? long.MinValue);
    }

    /// <summary>Reads <c>connectionId:msgSerial:index</c> from a message whose id starts with its own connection id.</summary>
    public static bool TryParseId(WirePresenceMessage message, out (long Serial, long Index) position)
    {
        ArgumentNullException.ThrowIfNull(message);
        position = default;
        if (message.Id is not { } id || message.ConnectionId is not { Length: > 0 } connectionId ||
            !id.StartsWith(connectionId + ":", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = id.AsSpan(connectionId.Length + 1);
        var colon = rest.IndexOf(':');
        if (colon <= 0 ||
            !long.TryParse(rest[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var serial) ||
            !long.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return false;
        }

        position = (serial, index);
        return true;
    }
}
