namespace RealtimeAdapters.Ably.Protocol;

/// <summary>Bit tests on <see cref="ProtocolFlags"/> without <see cref="Enum.HasFlag"/> boxing.</summary>
public static class ProtocolFlagsExtensions
{
    /// <summary>The bits from 16 up: every mode bit, known or not.</summary>
    internal const int ModeMask = unchecked((int)0xFFFF0000);

    /// <summary>Whether every bit of <paramref name="flag"/> is set.</summary>
    public static bool Has(this ProtocolFlags flags, ProtocolFlags flag) => (flags & flag) == flag;

    /// <summary>Whether any bit of <paramref name="flag"/> is set.</summary>
    internal static bool HasAny(this ProtocolFlags flags, ProtocolFlags flag) => (flags & flag) != 0;

    /// <summary>The flags with <paramref name="flag"/> set.</summary>
    public static ProtocolFlags With(this ProtocolFlags flags, ProtocolFlags flag) => flags | flag;

    /// <summary>The flags with <paramref name="flag"/> cleared.</summary>
    public static ProtocolFlags Without(this ProtocolFlags flags, ProtocolFlags flag) => flags & ~flag;

    /// <summary>Only the channel-mode bits (16 and up).</summary>
    public static ProtocolFlags Modes(this ProtocolFlags flags) => (ProtocolFlags)((int)flags & ModeMask);

    /// <summary>Only the non-mode bits (below 16).</summary>
    internal static ProtocolFlags WithoutModes(this ProtocolFlags flags) => (ProtocolFlags)((int)flags & ~ModeMask);

    /// <summary>Whether flag bit number <paramref name="bit"/> (TR3 numbering) is set.</summary>
    internal static bool HasBit(this ProtocolFlags flags, int bit) =>
        bit is >= 0 and < 32 ? ((int)flags & (1 << bit)) != 0 : throw new ArgumentOutOfRangeException(nameof(bit));
}
