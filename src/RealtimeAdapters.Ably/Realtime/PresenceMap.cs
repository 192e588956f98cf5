using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Realtime;

/// <summary>
/// The members of one channel as this client knows them (RTP2): member key → the newest message for it. Messages reach a
/// client out of order (a SYNC page can carry an entry older than a PRESENCE event already applied), so every change is
/// kept only when it is newer than what the map holds (RTP2a, RTP2b, RTP2c). During a sync a LEAVE is kept as an ABSENT
/// entry (RTP2h2a), so that an older PRESENT for the same member in a later page cannot bring it back; ABSENT entries go
/// when the sync ends (RTP2h2b), and so do the members that were present when it began and were not seen since (RTP19).
/// Not thread-safe: the owner serialises calls.
/// </summary>
internal sealed class PresenceMap
{
    private readonly Dictionary<string, PresenceMessage> _entries = new(StringComparer.Ordinal);
    private HashSet<string>? _residual;

    /// <summary>Whether a sync is under way (between its first page, or an ATTACHED announcing one, and its last page).</summary>
    public bool SyncInProgress => _residual is not null;

    /// <summary>The present members (ABSENT entries of a sync in progress excluded).</summary>
    public List<PresenceMessage> Members
    {
        get
        {
            var members = new List<PresenceMessage>(_entries.Count);
            foreach (var entry in _entries.Values)
            {
                if (entry.Action == PresenceAction.Present)
                {
                    members.Add(entry);
                }
            }

            return members;
        }
    }

    /// <summary>A sync begins (RTP18a, RTP19): the members present now are residual until the sync mentions them. No-op when one is already under way.</summary>
    public void StartSync()
    {
        if (_residual is not null)
        {
            return;
        }

        _residual = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, entry) in _entries)
        {
            if (entry.Action == PresenceAction.Present)
            {
                _residual.Add(key);
            }
        }
    }

    /// <summary>
    /// Applies a received message. Returns whether it changed the member set and should be announced: an ENTER, UPDATE or
    /// PRESENT newer than the entry held (RTP2d), or a LEAVE newer than a present member (RTP2h). An older message is dropped.
    /// </summary>
    public bool Apply(PresenceMessage message)
    {
        var key = message.MemberKey;
        var leaving = message.Action is PresenceAction.Leave or PresenceAction.Absent;

        // RTP19: a member mentioned during the sync, by a SYNC page or a PRESENCE event, is no longer residual, even when
        // the mention is older than what the map holds (the member is still there either way).
        if (!leaving)
        {
            _residual?.Remove(key);
        }

        var exists = _entries.TryGetValue(key, out var existing);
        if (exists && !PresenceNewness.IsNewer(message, existing!))
        {
            return false;
        }

        if (!leaving)
        {
            _entries[key] = message with { Action = PresenceAction.Present };
            return true;
        }

        if (SyncInProgress)
        {
            // The LEAVE has been announced (when the member was present): no synthesised one at the end of the sync.
            _residual!.Remove(key);
            _entries[key] = message with { Action = PresenceAction.Absent };
        }
        else
        {
            _entries.Remove(key);
        }

        return exists && existing!.Action == PresenceAction.Present;
    }

    /// <summary>
    /// The sync is complete: ABSENT entries are dropped (RTP2h2b) and the residual members removed; returns the LEAVE
    /// events to announce for them (RTP19: original attributes, no id, the current time).
    /// </summary>
    public List<PresenceMessage> EndSync(DateTimeOffset now)
    {
        var leaves = new List<PresenceMessage>();
        if (_residual is not { } residual)
        {
            return leaves;
        }

        _residual = null;
        RemoveAbsent();
        foreach (var key in residual)
        {
            if (_entries.Remove(key, out var member))
            {
                leaves.Add(Synthesised(member, now));
            }
        }

        return leaves;
    }

    /// <summary>
    /// Every member is gone (an ATTACHED without HAS_PRESENCE on a fresh attach, RTP19a); any sync is abandoned. Returns the
    /// LEAVE events to announce.
    /// </summary>
    public List<PresenceMessage> Clear(DateTimeOffset now)
    {
        var leaves = new List<PresenceMessage>(_entries.Count);
        foreach (var entry in _entries.Values)
        {
            if (entry.Action == PresenceAction.Present)
            {
                leaves.Add(Synthesised(entry, now));
            }
        }

        _entries.Clear();
        _residual = null;
        return leaves;
    }

    /// <summary>
    /// A sync that will not complete (the channel re-attached with continuity and without members to sync) is abandoned:
    /// ABSENT entries go, members stay.
    /// </summary>
    public void AbandonSync()
    {
        if (_residual is null)
        {
            return;
        }

        _residual = null;
        RemoveAbsent();
    }

    private void RemoveAbsent()
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.Action == PresenceAction.Absent)
            {
                // Removing the current entry while enumerating is allowed for Dictionary since .NET Core 3.0.
                _entries.Remove(key);
            }
        }
    }

    private static PresenceMessage Synthesised(PresenceMessage member, DateTimeOffset now) =>
        member with { Action = PresenceAction.Leave, Id = null, Timestamp = now };
}
