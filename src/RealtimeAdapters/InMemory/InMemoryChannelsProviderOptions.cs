using System.ComponentModel.DataAnnotations;

namespace RealtimeAdapters;

/// <summary>
/// Settings of an in-memory channel client registered with <c>AddInMemoryChannels</c>, bound from
/// <c>Realtime:InMemory:Channels</c> (or <c>Realtime:&lt;key&gt;:InMemory:Channels</c> for a keyed client) and validated
/// when the host starts. The clock is the container's <see cref="TimeProvider"/>.
/// </summary>
public sealed class InMemoryChannelsProviderOptions : IValidatableObject
{
    /// <summary>The configuration section below <c>Realtime</c> (or <c>Realtime:&lt;key&gt;</c>): <c>InMemory:Channels</c>.</summary>
    public const string ConfigurationSection = "InMemory:Channels";

    /// <summary>The largest <see cref="MaxMessageSize"/> accepted: 16 MiB.</summary>
    public const int MaxMessageSizeLimit = 16 * 1024 * 1024;

    /// <summary>The largest <see cref="MaxHistoryPerChannel"/> accepted: one million.</summary>
    public const int MaxHistoryPerChannelLimit = 1_000_000;

    /// <summary>
    /// The name of a hub (channels backend) shared with other in-memory channel clients of the same container: clients
    /// with the same name see each other's messages and presence. <see langword="null"/> (the default) gives the client a
    /// hub of its own. A shared hub takes its limits from the first client that creates it.
    /// </summary>
    public string? Hub { get; set; }

    /// <summary>The client id the client publishes and enters presence as; <see langword="null"/> for an anonymous client.</summary>
    public string? ClientId { get; set; }

    /// <summary>Whether the client's own publishes reach its own subscriptions (Ably <c>echoMessages</c>). True by default.</summary>
    public bool EchoMessages { get; set; } = true;

    /// <summary>The largest message in bytes, 1 to <see cref="MaxMessageSizeLimit"/>; 65536 (Ably's default) by default.</summary>
    [Range(1, MaxMessageSizeLimit, ErrorMessage = "the message size limit must be between {1} and {2} bytes.")]
    public int MaxMessageSize { get; set; } = 65536;

    /// <summary>How long messages stay in history: more than zero and at most 365 days; two minutes by default.</summary>
    [Internal.TimeSpanRange("00:00:00.001", "365.00:00:00", ErrorMessage = "the history retention must be between {1} and {2}.")]
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The most messages each channel keeps in history, 0 to <see cref="MaxHistoryPerChannelLimit"/>; 10,000 by default.</summary>
    [Range(0, MaxHistoryPerChannelLimit, ErrorMessage = "the history size must be between {1} and {2} messages.")]
    public int MaxHistoryPerChannel { get; set; } = 10_000;

    /// <summary>Checks the rules attributes cannot express.</summary>
    /// <param name="validationContext">The validation context.</param>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ClientId is not null && (ClientId.Length == 0 || ClientId == "*"))
        {
            yield return new ValidationResult("the client id must not be empty or the wildcard '*'; leave it unset for an anonymous client.", [nameof(ClientId)]);
        }
    }
}
