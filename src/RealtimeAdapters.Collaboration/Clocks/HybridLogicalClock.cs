namespace RealtimeAdapters.Collaboration;

/// <summary>
/// A hybrid logical clock: timestamps follow physical time from a <see cref="TimeProvider"/> but never go backwards and
/// always exceed every timestamp observed from other replicas, so a later edit wins over what its author had seen.
/// Thread-safe.
/// </summary>
public sealed class HybridLogicalClock
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _wall;
    private int _counter;

    /// <summary>Creates a clock.</summary>
    /// <param name="replicaId">The replica the timestamps belong to.</param>
    /// <param name="timeProvider">The physical clock; <see cref="TimeProvider.System"/> when omitted.</param>
    /// <exception cref="ArgumentException">The replica id is invalid (<see cref="ReplicaIds.IsValid"/>).</exception>
    public HybridLogicalClock(string replicaId, TimeProvider? timeProvider = null)
    {
        if (!ReplicaIds.IsValid(replicaId))
        {
            throw new ArgumentException($"Invalid replica id \"{replicaId}\": 1 to {ReplicaIds.MaxLength} characters, no whitespace or control characters.", nameof(replicaId));
        }

        ReplicaId = replicaId;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The replica the timestamps belong to.</summary>
    public string ReplicaId { get; }

    /// <summary>A new timestamp, later than every one this clock made or observed.</summary>
    public HybridTimestamp Now()
    {
        var physical = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (physical > _wall)
            {
                _wall = physical;
                _counter = 0;
            }
            else
            {
                _counter++;
            }

            return new HybridTimestamp(_wall, _counter, ReplicaId);
        }
    }

    /// <summary>Moves the clock past a timestamp seen from another replica (or from this replica's earlier life).</summary>
    /// <param name="timestamp">The timestamp.</param>
    public void Observe(HybridTimestamp timestamp)
    {
        lock (_gate)
        {
            if (timestamp.WallMilliseconds > _wall || (timestamp.WallMilliseconds == _wall && timestamp.Counter > _counter))
            {
                _wall = timestamp.WallMilliseconds;
                _counter = timestamp.Counter;
            }
        }
    }
}
