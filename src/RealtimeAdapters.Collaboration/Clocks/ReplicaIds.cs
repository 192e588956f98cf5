namespace RealtimeAdapters.Collaboration;

/// <summary>The rules for replica ids and the ids of the clients that own them.</summary>
public static class ReplicaIds
{
    /// <summary>The longest replica id (128 characters).</summary>
    public const int MaxLength = 128;

    /// <summary>
    /// Whether a replica id is valid: 1 to <see cref="MaxLength"/> characters, no control characters, no whitespace.
    /// </summary>
    /// <param name="replicaId">The id.</param>
    public static bool IsValid(string? replicaId)
    {
        if (string.IsNullOrEmpty(replicaId) || replicaId.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in replicaId)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether a replica belongs to a client: a replica of client <c>alice</c> is <c>alice</c> or <c>alice#anything</c>; an
    /// anonymous client (<see langword="null"/>) owns only replicas without a <c>#</c>.
    /// </summary>
    /// <param name="replicaId">The replica id.</param>
    /// <param name="clientId">The client id, or <see langword="null"/> when anonymous.</param>
    public static bool BelongsTo(string replicaId, string? clientId)
    {
        ArgumentNullException.ThrowIfNull(replicaId);
        if (clientId is null)
        {
            return !replicaId.Contains('#', StringComparison.Ordinal);
        }

        return replicaId.Length == clientId.Length
            ? string.Equals(replicaId, clientId, StringComparison.Ordinal)
            : replicaId.Length > clientId.Length && replicaId[clientId.Length] == '#' && replicaId.StartsWith(clientId, StringComparison.Ordinal);
    }

    /// <summary>A new replica id for a client: <c>clientId#random</c>, or <c>random</c> when anonymous.</summary>
    /// <param name="clientId">The client id, or <see langword="null"/>.</param>
    public static string Create(string? clientId)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        return clientId is null ? suffix : clientId + "#" + suffix;
    }
}
