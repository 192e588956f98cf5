using Microsoft.Extensions.Configuration;
using RealtimeAdapters;
using RealtimeAdapters.Ably;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Firebase;
using RealtimeAdapters.InMemory;

namespace SampleBackends;

/// <summary>
/// The one place where the samples decide which service stands behind a use case, and the only code that changes between
/// backends: everything else codes against <see cref="IChannelClient"/> and <see cref="IRealtimeStore"/>.
/// </summary>
/// <remarks>
/// <para>Configuration (appsettings.json, environment variables such as <c>Realtime__Backend</c>, or the command line):</para>
/// <list type="bullet">
/// <item><c>Realtime:Backend</c> (<c>--backend</c>): <c>inmemory</c>, <c>firebase</c> or <c>ably</c> for every use case;
/// <c>Realtime:&lt;UseCase&gt;:Backend</c> (e.g. <c>Realtime:Chat:Backend</c>) for one. Each sample has its own default.</item>
/// <item><c>Realtime:Emulator</c> (<c>--emulator</c>, default <c>true</c>): run Firebase and Ably against an emulator started
/// in this process. With <c>false</c> the providers go to the hosted services with the settings of
/// <c>Realtime:Firebase</c> (<see cref="FirebaseStoreOptions"/>: <c>DatabaseUrl</c>, <c>IdToken</c>, ...) and
/// <c>Realtime:Ably</c> (<see cref="AblyChannelClientOptions"/>: <c>Key</c>, ...), bound as the library binds them.</item>
/// </list>
/// <para>Each user gets a client of their own (one connection each, as separate devices would), so that presence and
/// concurrent edits are real.</para>
/// </remarks>
public sealed class Backends : IAsyncDisposable
{
    /// <summary>The configuration section the samples read (the library's own section).</summary>
    public const string Section = "Realtime";

    /// <summary>The Firebase namespace the samples use on the emulator unless <c>Realtime:Firebase:Namespace</c> says otherwise.</summary>
    public const string EmulatorNamespace = "samples";

    private readonly IConfiguration _configuration;

    // In-memory clients of one sample share one database and one hub, like clients of one service.
    private readonly InMemoryDatabase _database = new();
    private readonly InMemoryChannelHub _hub = new();

    private Backends(IConfiguration configuration, RealtimeEmulator? emulator)
    {
        _configuration = configuration;
        Emulator = emulator;
    }

    /// <summary>Command-line switches: <c>--backend ably</c>, <c>--emulator false</c>.</summary>
    public static IDictionary<string, string> SwitchMappings => new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--backend"] = $"{Section}:Backend",
        ["--emulator"] = $"{Section}:Emulator",
    };

    /// <summary>The emulator serving Firebase and Ably in this process, or <see langword="null"/> with the hosted services.</summary>
    public RealtimeEmulator? Emulator { get; }

    /// <summary>Reads a sample's configuration: appsettings.json beside it, environment variables, then the command line.</summary>
    /// <param name="args">The command-line arguments.</param>
    public static IConfiguration LoadConfiguration(string[] args) => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(args, SwitchMappings)
        .Build();

    /// <summary>Starts what the configuration asks for: the emulator (Firebase and Ably on free loopback ports) unless it is off.</summary>
    /// <param name="configuration">The configuration (see the remarks of <see cref="Backends"/>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<Backends> StartAsync(IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var emulator = configuration.GetValue($"{Section}:Emulator", true)
            ? await RealtimeEmulator.StartAsync(
                new EmulatorOptions
                {
                    Firebase = { Port = configuration.GetValue($"{Section}:EmulatorFirebasePort", 0) },
                    Ably = { Enabled = true, Port = configuration.GetValue($"{Section}:EmulatorAblyPort", 0) },
                },
                cancellationToken).ConfigureAwait(false)
            : null;
        return new Backends(configuration, emulator);
    }

    /// <summary>
    /// The backend of a use case: <c>Realtime:&lt;useCase&gt;:Backend</c>, else <c>Realtime:Backend</c>, else
    /// <paramref name="fallback"/>.
    /// </summary>
    /// <param name="useCase">The use case, e.g. <c>Chat</c>.</param>
    /// <param name="fallback">The sample's default.</param>
    /// <exception cref="ArgumentException">The configured value is not a backend; the message names the setting.</exception>
    public BackendKind Select(string useCase, BackendKind fallback)
    {
        foreach (var key in (string[])[$"{Section}:{useCase}:Backend", $"{Section}:Backend"])
        {
            if (_configuration[key] is { Length: > 0 } value)
            {
                return Parse(value, key);
            }
        }

        return fallback;
    }

    /// <summary>Parses a backend name (<c>inmemory</c>, <c>in-memory</c>, <c>firebase</c>, <c>ably</c>; any case).</summary>
    /// <param name="value">The name.</param>
    /// <param name="setting">The setting it came from, named in the error.</param>
    /// <exception cref="ArgumentException">Not a backend.</exception>
    public static BackendKind Parse(string value, string setting = $"{Section}:Backend") =>
        value.Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "INMEMORY" => BackendKind.InMemory,
            "FIREBASE" => BackendKind.Firebase,
            "ABLY" => BackendKind.Ably,
            _ => throw new ArgumentException($"Invalid setting {setting}: the backend must be inmemory, firebase or ably.", nameof(value)),
        };

    /// <summary>Why <paramref name="kind"/> cannot serve channels, or <see langword="null"/> when it can.</summary>
    /// <param name="kind">The backend.</param>
    /// <remarks>Every backend offers channels: on Firebase they are mapped onto database paths (<see cref="FirebaseChannelClient"/>).</remarks>
    public static string? ChannelsNotOffered(BackendKind kind) => kind switch
    {
        _ => null,
    };

    /// <summary>Why <paramref name="kind"/> cannot serve the store, or <see langword="null"/> when it can.</summary>
    /// <param name="kind">The backend.</param>
    public static string? StoreNotOffered(BackendKind kind) => kind switch
    {
        _ => null,
    };

    /// <summary>A one-line description of the backend, e.g. <c>Ably (emulator at http://127.0.0.1:5123/)</c>.</summary>
    /// <param name="kind">The backend.</param>
    public string Describe(BackendKind kind) => kind switch
    {
        BackendKind.InMemory => "InMemory (in this process)",
        BackendKind.Firebase when Emulator is not null => $"Firebase (emulator at {Emulator.FirebaseUrl}, namespace {FirebaseNamespace})",
        BackendKind.Ably when Emulator is not null => $"Ably (emulator at {Emulator.AblyUrl})",
        _ => $"{kind} (hosted service)",
    };

    /// <summary>The Firebase namespace in use on the emulator.</summary>
    public string FirebaseNamespace => _configuration[$"{Section}:Firebase:Namespace"] ?? EmulatorNamespace;

    /// <summary>A channel client of its own for one user.</summary>
    /// <param name="kind">The backend.</param>
    /// <param name="clientId">The user's client id (publisher and presence identity).</param>
    /// <exception cref="RealtimeNotSupportedException">The backend does not offer channels (<see cref="ChannelsNotOffered"/>).</exception>
    public IChannelClient CreateChannelClient(BackendKind kind, string clientId)
    {
        if (ChannelsNotOffered(kind) is { } reason)
        {
            throw new RealtimeNotSupportedException(reason) { ProviderName = kind.ToString(), Capability = RealtimeCapabilities.Channels };
        }

        switch (kind)
        {
            case BackendKind.InMemory:
                return new InMemoryChannelClient(_hub, new InMemoryChannelClientOptions { ClientId = clientId });

            case BackendKind.Ably:
                var ably = AblyOptions();
                ably.ClientId = clientId;
                return new AblyChannelClient(ably);

            case BackendKind.Firebase:
                // Channels over database paths (FirebaseChannelLayout), each client on its own connection so that its
                // presence member leaves when it goes.
                var channels = new FirebaseChannelOptions { ClientId = clientId };
                _configuration.GetSection($"{Section}:{FirebaseStoreOptions.ConfigurationSection}").Bind(channels.Database);
                _configuration.GetSection($"{Section}:{FirebaseChannelOptions.ConfigurationSection}").Bind(channels);
                if (Emulator is not null)
                {
                    channels.Database.DatabaseUrl = Emulator.FirebaseUrl;
                    channels.Database.Namespace = FirebaseNamespace;
                    channels.Database.UseEmulatorAdmin = true;
                }

                channels.ClientId = clientId;
                return new FirebaseChannelClient(channels);

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown backend.");
        }
    }

    /// <summary>A store client of its own for one user.</summary>
    /// <param name="kind">The backend.</param>
    /// <exception cref="RealtimeNotSupportedException">The backend does not offer the store (<see cref="StoreNotOffered"/>).</exception>
    public IRealtimeStore CreateStore(BackendKind kind)
    {
        if (StoreNotOffered(kind) is { } reason)
        {
            throw new RealtimeNotSupportedException(reason) { ProviderName = kind.ToString(), Capability = RealtimeCapabilities.Store };
        }

        switch (kind)
        {
            case BackendKind.InMemory:
                return new InMemoryRealtimeStore(_database);

            case BackendKind.Firebase:
                // Writes made while the connection is down are queued and shown at once (as the official SDKs do); the
                // configuration can turn either off.
                var firebase = new FirebaseStoreOptions { QueueWritesWhileOffline = true, LatencyCompensation = true };
                _configuration.GetSection($"{Section}:{FirebaseStoreOptions.ConfigurationSection}").Bind(firebase);
                if (Emulator is not null)
                {
                    firebase.DatabaseUrl = Emulator.FirebaseUrl;
                    firebase.Namespace = FirebaseNamespace;
                    firebase.UseEmulatorAdmin = true;
                }

                return new FirebaseRealtimeStore(firebase);

            case BackendKind.Ably:
                // The JSON tree over LiveObjects (nested LiveMaps) on the channel AblyChannelClientOptions.StoreChannel.
                return new AblyRealtimeStore(AblyOptions());

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown backend.");
        }
    }

    /// <summary>The Ably options bound as the library binds them, pointed at the emulator when one runs.</summary>
    private AblyChannelClientOptions AblyOptions()
    {
        var ably = new AblyChannelClientOptions { UseBinaryProtocol = true };
        _configuration.GetSection($"{Section}:{AblyChannelClientOptions.ConfigurationSection}").Bind(ably);
        if (Emulator is not null)
        {
            ably.Endpoint = Emulator.AblyUrl;
            ably.Key = Emulator.AblyKeys[0];
        }

        return ably;
    }

    /// <summary>Stops the emulator, if one was started.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
