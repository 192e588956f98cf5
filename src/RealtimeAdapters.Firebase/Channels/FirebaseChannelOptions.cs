using System.ComponentModel.DataAnnotations;

namespace RealtimeAdapters.Firebase;

/// <summary>
/// Settings of a <see cref="FirebaseChannelClient"/>: the database it publishes into, who it is, where the channels live
/// in the tree (<see cref="FirebaseChannelLayout"/>), size limits and how much history is kept. Bound from
/// <c>Realtime:Firebase:Channels</c> by <c>AddFirebaseChannels</c>; when <see cref="Database"/> names no database there,
/// the store's section <c>Realtime:Firebase</c> supplies it.
/// </summary>
public sealed class FirebaseChannelOptions : IValidatableObject
{
    /// <summary>The configuration section below <c>Realtime</c>: <c>Firebase:Channels</c>.</summary>
    public const string ConfigurationSection = "Firebase:Channels";

    /// <summary>
    /// The database connection (URL, credential, transport, reconnect policy). The client opens its own connection with
    /// these settings, so that its presence members leave when it goes away. Presence needs the realtime transport (the
    /// default): over <see cref="FirebaseTransport.RestStreaming"/> the database cannot run on-disconnect writes, and the
    /// client does not claim <see cref="RealtimeCapabilities.Presence"/>. <see cref="FirebaseStoreOptions.LatencyCompensation"/>
    /// is not used: a message is delivered once, with the database's timestamp.
    /// </summary>
    public FirebaseStoreOptions Database { get; set; } = new();

    /// <summary>The client id this client publishes and enters presence as, or <see langword="null"/> for an anonymous client.</summary>
    public string? ClientId { get; set; }

    /// <summary>Whether this client's own messages reach its own subscriptions (<see langword="true"/> by default).</summary>
    public bool EchoMessages { get; set; } = true;

    /// <summary>The location below which every channel lives (<c>channels</c> by default); see <see cref="FirebaseChannelLayout"/>.</summary>
    public string Root { get; set; } = FirebaseChannelLayout.DefaultRoot;

    /// <summary>The largest message (name, data, client id and extras, in UTF-8 bytes), 64 KiB by default as on Ably.</summary>
    [Range(1, 10 * 1024 * 1024)]
    public int MaxMessageSize { get; set; } = 65536;

    /// <summary>
    /// How many messages a channel keeps (1,000 by default); older ones are trimmed by the publishers (see
    /// <see cref="FirebaseChannel.TrimHistoryAsync"/>). <c>0</c> keeps every message.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int HistoryMaxCount { get; set; } = 1000;

    /// <summary>
    /// How long messages and presence events are kept (24 hours by default): history never returns older ones, and the
    /// publishers trim them. <see cref="TimeSpan.Zero"/> keeps them for ever.
    /// </summary>
    public TimeSpan HistoryMaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A publisher trims a channel's history after every this many of its own publishes on it (50 by default); <c>0</c> never trims automatically.</summary>
    [Range(0, int.MaxValue)]
    public int TrimEvery { get; set; } = 50;

    /// <summary>How long a trimmer holds a channel's trim lease before another publisher may take it over (30 s by default).</summary>
    public TimeSpan TrimLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for history ages and trim leases; <see cref="TimeProvider.System"/> when <see langword="null"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ClientId is not null && (ClientId.Length == 0 || ClientId == "*"))
        {
            yield return new ValidationResult("ClientId must be a non-empty, non-wildcard string, or null for an anonymous client.", [nameof(ClientId)]);
        }

        if (FirebaseChannelLayout.GetRootProblem(Root) is { } problem)
        {
            yield return new ValidationResult(problem, [nameof(Root)]);
        }

        if (HistoryMaxAge < TimeSpan.Zero)
        {
            yield return new ValidationResult("HistoryMaxAge must not be negative (zero keeps messages for ever).", [nameof(HistoryMaxAge)]);
        }

        if (TrimLease <= TimeSpan.Zero)
        {
            yield return new ValidationResult("TrimLease must be positive.", [nameof(TrimLease)]);
        }

        if (Database is null)
        {
            yield return new ValidationResult("Database is required.", [nameof(Database)]);
            yield break;
        }

        foreach (var result in Database.Validate(new ValidationContext(Database, nameof(Database), null, null)))
        {
            yield return new ValidationResult($"Database: {result.ErrorMessage}", [.. result.MemberNames.Select(static m => $"{nameof(Database)}:{m}")]);
        }
    }
}
