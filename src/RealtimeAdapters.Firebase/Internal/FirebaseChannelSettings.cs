using Microsoft.Extensions.Configuration;

namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// What configuration can hold of <see cref="FirebaseChannelOptions"/>: its settings, and its <c>Database</c> section through
/// <see cref="FirebaseStoreSettings"/> (see there why the options types are not bound directly).
/// </summary>
internal sealed class FirebaseChannelSettings
{
    public string? ClientId { get; set; }

    public bool EchoMessages { get; set; }

    public string Root { get; set; } = FirebaseChannelLayout.DefaultRoot;

    public int MaxMessageSize { get; set; }

    public int HistoryMaxCount { get; set; }

    public TimeSpan HistoryMaxAge { get; set; }

    public int TrimEvery { get; set; }

    public TimeSpan TrimLease { get; set; }

    /// <summary>Binds <paramref name="section"/> onto <paramref name="options"/>: the keys present replace the values.</summary>
    public static void Bind(IConfiguration section, FirebaseChannelOptions options)
    {
        var settings = new FirebaseChannelSettings
        {
            ClientId = options.ClientId,
            EchoMessages = options.EchoMessages,
            Root = options.Root,
            MaxMessageSize = options.MaxMessageSize,
            HistoryMaxCount = options.HistoryMaxCount,
            HistoryMaxAge = options.HistoryMaxAge,
            TrimEvery = options.TrimEvery,
            TrimLease = options.TrimLease,
        };
        section.Bind(settings);
        options.ClientId = settings.ClientId;
        options.EchoMessages = settings.EchoMessages;
        options.Root = settings.Root;
        options.MaxMessageSize = settings.MaxMessageSize;
        options.HistoryMaxCount = settings.HistoryMaxCount;
        options.HistoryMaxAge = settings.HistoryMaxAge;
        options.TrimEvery = settings.TrimEvery;
        options.TrimLease = settings.TrimLease;
        if (options.Database is { } database)
        {
            FirebaseStoreSettings.Bind(section.GetSection(nameof(FirebaseChannelOptions.Database)), database);
        }
    }
}
