namespace Monitoring;

/// <summary>
/// How hard the sample works the backends (section <c>Monitoring:Load</c>, e.g. <c>--Monitoring:Load:DropInterval 00:00:05</c>).
/// Every interval must be positive.
/// </summary>
public sealed class LoadOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Monitoring:Load";

    /// <summary>Between two publishes on each provider's channel.</summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Between two store writes.</summary>
    public TimeSpan WriteInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Between two presence calls (enter, a few updates, leave, again).</summary>
    public TimeSpan PresenceInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Between two connection drops, alternating Firebase (every realtime connection of the namespace) and Ably (one transport).</summary>
    public TimeSpan DropInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Between two requests the backends refuse, so that the error panels show a failure rate: a publish too large (the
    /// library's error counter) and a REST call with a revoked key (the emulator's).
    /// </summary>
    public TimeSpan RefusalInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws when an interval is not positive; the message names the setting.</summary>
    /// <exception cref="ArgumentException">An interval is zero or negative.</exception>
    public void Validate()
    {
        foreach (var (name, value) in (ReadOnlySpan<(string, TimeSpan)>)[
            (nameof(PublishInterval), PublishInterval), (nameof(WriteInterval), WriteInterval), (nameof(PresenceInterval), PresenceInterval),
            (nameof(DropInterval), DropInterval), (nameof(RefusalInterval), RefusalInterval)])
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentException($"Invalid setting {Section}:{name}: the interval must be positive.", name);
            }
        }
    }
}
