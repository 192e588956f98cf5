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
        return IsNewer(incoming.Id, incoming.ConnectionId, incoming.Timestamp, existing.Id, existing.ConnectionId, existing.Timestamp);
    }

    /// <summary>Whether the decoded <paramref name="incoming"/> supersedes <paramref name="existing"/>.</summary>
    public static bool IsNewer(PresenceMessage incoming, PresenceMessage existing)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(existing);
        return IsNewer(
            incoming.Id, incoming.ConnectionId, incoming.Timestamp?.ToUnixTimeMilliseconds(),
            existing.Id, existing.ConnectionId, existing.Timestamp?.ToUnixTimeMilliseconds());
    }

    private static bool IsNewer(string? incomingId, string? incomingConnection, long? incomingTime, string? existingId, string? existingConnection, long? existingTime)
    {
        if (TryParseId(incomingId, incomingConnection, out var a) && TryParseId(existingId, existingConnection, out var b))
        {
            return a.Serial != b.Serial ? a.Serial > b.Serial : a.Index > b.Index;
        }

        return (incomingTime ?? long.MinValue) >= (existingTime ?? long.MinValue);
    }

    /// <summary>Reads <c>connectionId:msgSerial:index</c> from a message whose id starts with its own connection id.</summary>
    public static bool TryParseId(WirePresenceMessage message, out (long Serial, long Index) position)
    {
        ArgumentNullException.ThrowIfNull(message);
        return TryParseId(message.Id, message.ConnectionId, out position);
    }

    private static bool TryParseId(string? id, string? connectionId, out (long Serial, long Index) position)
    {
        position = default;
        if (id is null || connectionId is not { Length: > 0 } ||
            id.Length <= connectionId.Length || id[connectionId.Length] != ':' ||
            !id.StartsWith(connectionId, StringComparison.Ordinal))
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
