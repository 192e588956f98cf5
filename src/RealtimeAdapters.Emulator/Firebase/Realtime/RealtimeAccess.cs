using RealtimeAdapters.Emulator.Firebase.Auth;
using RealtimeAdapters.Emulator.Firebase.Rules;

namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// Who a realtime connection is (its credential, replaced by <c>auth</c>, <c>gauth</c> and <c>unauth</c>, revoked when it
/// expires) and what it may still read: its listens are checked again whenever the credential, the data or the rules
/// change, and those the rules no longer allow are revoked. The checks run on the connection's sender, in queue order.
/// </summary>
internal sealed class RealtimeAccess(RealtimeConnection connection) : IDisposable
{
    private readonly Lock _gate = new();
    private FirebaseIdentity _identity = FirebaseIdentity.Anonymous;
    private int _credential;
    private ITimer? _expiry;
    private IDisposable? _rulesWatch;
    private int _recheckPending;

    private FirebaseNamespace Namespace => connection.Namespace;

    private TimeProvider Time => connection.Server.Time;

    public FirebaseIdentity Identity => Volatile.Read(ref _identity);

    /// <summary>Replaces the connection's credential (auth, gauth, unauth) and re-checks its listens against the new one.</summary>
    public void SetIdentity(FirebaseIdentity identity)
    {
        lock (_gate)
        {
            _credential++;
            Volatile.Write(ref _identity, identity);
            _expiry?.Dispose();
            _expiry = null;
            if (identity.ExpiresAt is { } expiresAt)
            {
                var due = expiresAt - Time.GetUtcNow();
                var generation = _credential;
                _expiry = Time.CreateTimer(
                    _ => connection.Sender.Post(new OutboundItem(OutboundKind.CredentialExpired, Generation: generation)),
                    null,
                    due < TimeSpan.Zero ? TimeSpan.Zero : due,
                    Timeout.InfiniteTimeSpan);
            }
        }

        if (connection.Listens.Count > 0)
        {
            connection.Sender.Post(new OutboundItem(OutboundKind.Recheck));
        }
    }

    /// <summary>Called by the sender when a credential's expiry comes due: revokes it (<c>ac</c>) unless it was replaced meanwhile.</summary>
    public IReadOnlyList<byte[]> ExpireCredential(int generation)
    {
        lock (_gate)
        {
            if (generation != _credential)
            {
                return [];
            }

            _credential++;
            Volatile.Write(ref _identity, FirebaseIdentity.Anonymous);
        }

        return [RealtimeMessages.AuthRevoked(RealtimeRequestException.ExpiredToken, FirebaseMessages.ExpiredToken + "."), .. RevokeUnreadableListens()];
    }

    /// <summary>Called by the sender: ends every listen the rules no longer let this connection read, and returns the revocations to send.</summary>
    public IReadOnlyList<byte[]> RevokeUnreadableListens()
    {
        Volatile.Write(ref _recheckPending, 0);
        var identity = Identity;
        if (identity.IsAdmin)
        {
            return [];
        }

        var root = Namespace.Database.Root;
        var revoked = new List<byte[]>();
        foreach (var listen in connection.Listens.Snapshot())
        {
            if (!MayRead(identity, root, listen.Path, listen.Query) && connection.Listens.Remove(listen))
            {
                revoked.Add(RealtimeMessages.Revoked(listen.RawPath, listen.WireQuery));
            }
        }

        return revoked;
    }

    public bool MayRead(FirebaseIdentity identity, DataNode root, RealtimePath path, RealtimeQuery? query) =>
        identity.IsAdmin ||
        Namespace.Rules.CanRead(identity.Auth, root, path, FirebaseRules.QueryVariables(query), connection.Server.NowMilliseconds());

    /// <summary>
    /// From the first listen on, re-checks the listens whenever data or rules change: rules may read anywhere
    /// (<c>root.child(…)</c>), so any write can revoke a read. The engine reports a write to this root observer before the
    /// listens below it, so the re-check is queued ahead of the write's pushes and a revoked listen never gets them.
    /// </summary>
    public void WatchRules()
    {
        if (_rulesWatch is not null)
        {
            return;
        }

        _rulesWatch = Namespace.Database.ObserveWrites(RealtimePath.Root, _ => RequestRecheck());
        Namespace.RulesChanged += OnRulesChanged;
    }

    private void OnRulesChanged(object? sender, EventArgs e) => connection.Sender.Post(new OutboundItem(OutboundKind.Recheck));

    private void RequestRecheck()
    {
        if (!Identity.IsAdmin && !ReferenceEquals(Namespace.Rules, FirebaseRules.Open) && Interlocked.Exchange(ref _recheckPending, 1) == 0)
        {
            connection.Sender.Post(new OutboundItem(OutboundKind.Recheck));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _expiry?.Dispose();
            _credential++;
        }

        _rulesWatch?.Dispose();
        Namespace.RulesChanged -= OnRulesChanged;
    }
}
