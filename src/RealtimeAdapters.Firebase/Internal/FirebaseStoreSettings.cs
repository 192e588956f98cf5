using Microsoft.Extensions.Configuration;

namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// What configuration can hold of <see cref="FirebaseStoreOptions"/>: its settings without the objects set in code
/// (HttpClient, handler, TimeProvider, JsonSerializerOptions, token delegates), bound by the configuration binding
/// generator. Binding the options type itself would make the generator walk those objects (JsonSerializerOptions in
/// particular, whose generated binding is not trim-safe).
/// </summary>
internal sealed class FirebaseStoreSettings
{
    public Uri? DatabaseUrl { get; set; }

    public string? Namespace { get; set; }

    public string? IdToken { get; set; }

    public string? DatabaseSecret { get; set; }

    public string? AccessToken { get; set; }

    public bool UseEmulatorAdmin { get; set; }

    public string? EmulatorHost { get; set; }

    public FirebaseTransport Transport { get; set; }

    public string? WriteSizeLimit { get; set; }

    public TimeSpan? ServerReadTimeout { get; set; }

    public TimeSpan RequestTimeout { get; set; }

    public int MaxRequestRetries { get; set; }

    public bool QueueWritesWhileOffline { get; set; }

    public bool LatencyCompensation { get; set; }

    public TimeSpan ReconnectInitialDelay { get; set; }

    public TimeSpan ReconnectMaxDelay { get; set; }

    public double ReconnectJitter { get; set; }

    public TimeSpan IdleTimeout { get; set; }

    /// <summary>Binds <paramref name="section"/> onto <paramref name="options"/>: the keys present replace the values.</summary>
    public static void Bind(IConfiguration section, FirebaseStoreOptions options)
    {
        var settings = new FirebaseStoreSettings
        {
            DatabaseUrl = options.DatabaseUrl,
            Namespace = options.Namespace,
            IdToken = options.IdToken,
            DatabaseSecret = options.DatabaseSecret,
            AccessToken = options.AccessToken,
            UseEmulatorAdmin = options.UseEmulatorAdmin,
            EmulatorHost = options.EmulatorHost,
            Transport = options.Transport,
            WriteSizeLimit = options.WriteSizeLimit,
            ServerReadTimeout = options.ServerReadTimeout,
            RequestTimeout = options.RequestTimeout,
            MaxRequestRetries = options.MaxRequestRetries,
            QueueWritesWhileOffline = options.QueueWritesWhileOffline,
            LatencyCompensation = options.LatencyCompensation,
            ReconnectInitialDelay = options.ReconnectInitialDelay,
            ReconnectMaxDelay = options.ReconnectMaxDelay,
            ReconnectJitter = options.ReconnectJitter,
            IdleTimeout = options.IdleTimeout,
        };
        section.Bind(settings);
        options.DatabaseUrl = settings.DatabaseUrl;
        options.Namespace = settings.Namespace;
        options.IdToken = settings.IdToken;
        options.DatabaseSecret = settings.DatabaseSecret;
        options.AccessToken = settings.AccessToken;
        options.UseEmulatorAdmin = settings.UseEmulatorAdmin;
        options.EmulatorHost = settings.EmulatorHost;
        options.Transport = settings.Transport;
        options.WriteSizeLimit = settings.WriteSizeLimit;
        options.ServerReadTimeout = settings.ServerReadTimeout;
        options.RequestTimeout = settings.RequestTimeout;
        options.MaxRequestRetries = settings.MaxRequestRetries;
        options.QueueWritesWhileOffline = settings.QueueWritesWhileOffline;
        options.LatencyCompensation = settings.LatencyCompensation;
        options.ReconnectInitialDelay = settings.ReconnectInitialDelay;
        options.ReconnectMaxDelay = settings.ReconnectMaxDelay;
        options.ReconnectJitter = settings.ReconnectJitter;
        options.IdleTimeout = settings.IdleTimeout;
    }
}
