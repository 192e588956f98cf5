namespace RealtimeAdapters.Collaboration;

/// <summary>
/// How a document registered with <c>services.AddCollaboration(name, ...)</c> is replicated: over a channel of the
/// registered <see cref="IChannelClient"/> (<see cref="Channel"/>) or under a path of the registered
/// <see cref="IRealtimeStore"/> (<see cref="StorePath"/>), either one resolved by <see cref="ServiceKey"/>.
/// </summary>
public sealed class CollaborationRegistration
{
    /// <summary>The channel carrying the document (replication over <see cref="IChannelClient"/>). Set this or <see cref="StorePath"/>.</summary>
    public string? Channel { get; set; }

    /// <summary>The store path holding the document (replication over <see cref="IRealtimeStore"/>). Set this or <see cref="Channel"/>.</summary>
    public string? StorePath { get; set; }

    /// <summary>The key the channel client or store is registered under; <see langword="null"/> (the default) for the unkeyed one.</summary>
    public object? ServiceKey { get; set; }

    /// <summary>Settings of replication over the channel; the defaults when omitted.</summary>
    public ChannelReplicationOptions? ChannelOptions { get; set; }

    /// <summary>Settings of replication under the store path; the defaults when omitted.</summary>
    public StoreReplicationOptions? StoreOptions { get; set; }

    /// <summary>A SQLite file keeping the edits not sent yet across restarts (<see cref="SqliteOfflineStore"/>); in memory when omitted.</summary>
    public string? OfflineStorePath { get; set; }

    /// <summary>Further settings of the session (the document's options, retry delays...), applied last.</summary>
    public Action<CollaborationSessionOptions>? ConfigureSession { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the invalid setting.</summary>
    /// <param name="name">The document's registered name, for the message.</param>
    /// <exception cref="ArgumentException">Neither or both of <see cref="Channel"/> and <see cref="StorePath"/> are set, or a setting is invalid.</exception>
    public void Validate(string name)
    {
        if (string.IsNullOrEmpty(Channel) == string.IsNullOrEmpty(StorePath))
        {
            throw new ArgumentException($"Collaboration document \"{name}\": set exactly one of CollaborationRegistration.Channel and CollaborationRegistration.StorePath.");
        }

        if (StorePath is not null && !RealtimePath.TryParse(StorePath, out _))
        {
            throw new ArgumentException($"Collaboration document \"{name}\": CollaborationRegistration.StorePath is not a valid path.");
        }

        ChannelOptions?.Validate();
        StoreOptions?.Validate();
    }
}
