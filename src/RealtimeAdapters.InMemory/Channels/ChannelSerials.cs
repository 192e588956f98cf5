using System.Globalization;

namespace RealtimeAdapters.InMemory;

/// <summary>
/// Formats and parses a hub's channel serials: <c>&lt;hub epoch&gt;:&lt;16 hex digits&gt;</c>. Fixed width, so serials of one
/// hub sort ordinally in channel order; the epoch (random per hub) makes a serial from another hub instance (an
/// emulator restart) unrecognised instead of silently misread.
/// </summary>
internal sealed class ChannelSerials
{
    private const int DigitCount = 16;
    private readonly string _prefix;

    public ChannelSerials()
    {
        Span<char> epoch = stackalloc char[8];
        const string alphabet = "0123456789abcdefghijklmnopqrstuv";
        for (var i = 0; i < epoch.Length; i++)
        {
#pragma warning disable CA5394 // Uniqueness, not secrecy: the epoch only tells hub instances apart.
            epoch[i] = alphabet[Random.Shared.Next(alphabet.Length)];
#pragma warning restore CA5394
        }

        _prefix = string.Concat(epoch, ":");
    }

    public string Epoch => _prefix[..^1];

    // Hand-rolled hex: this runs once per published message, and the general formatter parses its format string each time.
    public string Format(long serial) =>
        string.Create(_prefix.Length + DigitCount, (_prefix, serial), static (span, state) =>
        {
            state._prefix.CopyTo(span);
            var digits = span[state._prefix.Length..];
            var value = (ulong)state.serial;
            for (var i = DigitCount - 1; i >= 0; i--)
            {
                digits[i] = "0123456789abcdef"[(int)(value & 0xF)];
                value >>= 4;
            }
        });

    /// <summary>Formats a generated message or presence id: <c>&lt;connectionId&gt;:&lt;serial&gt;:&lt;index&gt;</c>.</summary>
    public static string FormatId(string connectionId, long serial, int index)
    {
        var serialDigits = CountDigits((ulong)serial);
        var indexDigits = CountDigits((ulong)index);
        return string.Create(connectionId.Length + serialDigits + indexDigits + 2, (connectionId, serial, index), static (span, state) =>
        {
            state.connectionId.CopyTo(span);
            var rest = span[state.connectionId.Length..];
            rest[0] = ':';
            state.serial.TryFormat(rest[1..], out var written, default, CultureInfo.InvariantCulture);
            rest = rest[(1 + written)..];
            rest[0] = ':';
            state.index.TryFormat(rest[1..], out _, default, CultureInfo.InvariantCulture);
        });
    }

    private static int CountDigits(ulong value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    public bool TryParse(string? text, out long serial)
    {
        serial = 0;
        return text is not null &&
            text.Length == _prefix.Length + DigitCount &&
            text.StartsWith(_prefix, StringComparison.Ordinal) &&
            long.TryParse(text.AsSpan(_prefix.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out serial) &&
            serial >= 0;
    }
}
