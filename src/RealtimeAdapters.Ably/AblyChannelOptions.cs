using System.Globalization;

namespace RealtimeAdapters.Ably;

/// <summary>Options of one Ably channel, given to <see cref="AblyChannelClient.GetChannel(string, AblyChannelOptions)"/> the first time the channel is used.</summary>
public sealed record AblyChannelOptions
{
    /// <summary>
    /// Messages to replay when the channel first attaches (Ably's <c>rewind</c> channel parameter): a count such as
    /// <c>"10"</c> (the last 10 messages) or a duration such as <c>"30s"</c> or <c>"2m"</c>. A re-attach after a reconnect
    /// resumes from where the channel left off instead.
    /// </summary>
    public string? Rewind { get; init; }

    /// <summary>
    /// An end-to-end encryption key for this channel (AES-128 or AES-256, base64); overrides
    /// <see cref="AblyChannelClientOptions.ChannelCipherKeys"/>. Never shown in messages or logs.
    /// </summary>
    public string? CipherKey { get; init; }

    /// <summary>Throws a <see cref="RealtimeValidationException"/> naming the first invalid option (never the key itself).</summary>
    public void Validate()
    {
        if (Rewind is { } rewind && !IsRewind(rewind))
        {
            throw new RealtimeValidationException($"Invalid Ably channel options: Rewind \"{rewind}\" must be a count (\"10\") or a duration in seconds or minutes (\"30s\", \"2m\").", nameof(Rewind))
            {
                ErrorCode = "40003",
                ProviderName = AblyChannelClient.Name,
            };
        }

        if (CipherKey is { } key && !AblyChannelClientOptions.TryParseCipherKey(key, out _))
        {
            throw new RealtimeValidationException("Invalid Ably channel options: CipherKey must be base64 of 16 or 32 bytes (AES-128 or AES-256).", nameof(CipherKey))
            {
                ErrorCode = "40003",
                ProviderName = AblyChannelClient.Name,
            };
        }
    }

    private static bool IsRewind(string value) =>
        value.Length > 0 && (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) ||
            (value.Length > 1 && value[^1] is 's' or 'm' && long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out _)));
}
