using Microsoft.Extensions.DependencyInjection;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// The collaboration sessions registered with <c>services.AddCollaboration(name, ...)</c>: each started on first use (a
/// session starts asynchronously, catching up with the backend, so it is asked for with <see cref="GetAsync"/> rather than
/// injected), then shared; disposed with the container. Thread-safe.
/// </summary>
public sealed class CollaborationSessions : IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly Dictionary<string, CollaborationRegistration> _registrations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task<CollaborationSession>> _started = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Creates the registry (the container does, from the registrations).</summary>
    /// <param name="services">Resolves the channel clients and stores.</param>
    /// <param name="registrations">The registered documents.</param>
    public CollaborationSessions(IServiceProvider services, IEnumerable<NamedCollaborationRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        _services = services;
        foreach (var registration in registrations)
        {
            _registrations[registration.Name] = registration.Registration;
        }
    }

    /// <summary>The registered document names, in ordinal order.</summary>
    public IReadOnlyList<string> Names => [.. _registrations.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The session of a registered document, started (and caught up) on the first call.</summary>
    /// <param name="name">The name it was registered under.</param>
    /// <param name="cancellationToken">Cancels this wait (not a start other callers wait for too).</param>
    /// <returns>The session; the same one for every call.</returns>
    /// <exception cref="ArgumentException">No document is registered under <paramref name="name"/>.</exception>
    public async ValueTask<CollaborationSession> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        Task<CollaborationSession> start;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_started.TryGetValue(name, out start!) || start.IsFaulted || start.IsCanceled)
            {
                if (!_registrations.TryGetValue(name, out var registration))
                {
                    throw new ArgumentException($"No collaboration document is registered as \"{name}\" (registered: {string.Join(", ", Names)}); call services.AddCollaboration(\"{name}\", ...).", nameof(name));
                }

                // A failed start is retried by the next call.
                start = StartAsync(registration);
                _started[name] = start;
            }
        }

        return await start.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the sessions started (each keeps its state and pending edits in its offline store).</summary>
    public async ValueTask DisposeAsync()
    {
        List<Task<CollaborationSession>> started;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            started = [.. _started.Values];
        }

        foreach (var start in started)
        {
            try
            {
                await (await start.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RealtimeException or ArgumentException or OperationCanceledException or InvalidOperationException)
            {
                // It never started: nothing to dispose.
            }
        }
    }

    private Task<CollaborationSession> StartAsync(CollaborationRegistration registration)
    {
        var key = registration.ServiceKey;
        var transport = registration.Channel is { } channel
            ? ReplicationTransport.Channel(Resolve<IChannelClient>(key), channel, registration.ChannelOptions)
            : ReplicationTransport.Store(Resolve<IRealtimeStore>(key), RealtimePath.Parse(registration.StorePath!), registration.StoreOptions);
        var options = new CollaborationSessionOptions
        {
            Transport = transport,
            OfflineStore = registration.OfflineStorePath is { } file ? new SqliteOfflineStore(file) : null,
        };
        if (_services.GetService<TimeProvider>() is { } time)
        {
            options.Document.TimeProvider = time;
        }

        registration.ConfigureSession?.Invoke(options);
        return CollaborationSession.StartAsync(options);
    }

    private T Resolve<T>(object? key)
        where T : notnull =>
        key is null ? _services.GetRequiredService<T>() : _services.GetRequiredKeyedService<T>(key);
}
