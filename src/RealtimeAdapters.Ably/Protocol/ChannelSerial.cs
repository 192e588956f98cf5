using System.Globalization;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// Channel serials as this implementation issues them: <c>epoch:sequence</c>, the sequence as 16 zero-padded digits so
/// that serials of one epoch sort as strings. Peers treat serials as opaque; only the issuer parses them (resume points,
/// <c>fromSerial</c>). An epoch names one life of a channel's history, so serials from another life are recognised.
/// </summary>
internal readonly record struct ChannelSerial(string Epoch, long Sequence) : IComparable<ChannelSerial>
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Epoch}:{Sequence:D16}");

    /// <summary>Parses a serial this implementation issued; <see langword="false"/> for anything else.</summary>
    public static bool TryParse(string? text, out ChannelSerial serial)
    {
        serial = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1 ||
            !long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        serial = new ChannelSerial(text[..colon], sequence);
        return true;
    }

    public int CompareTo(ChannelSerial other)
    {
        var epoch = string.CompareOrdinal(Epoch, other.Epoch);
        return epoch != 0 ? epoch : Sequence.CompareTo(other.Sequence);
    }
}
