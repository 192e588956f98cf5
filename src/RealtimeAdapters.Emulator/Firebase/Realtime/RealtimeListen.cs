using System.Text.Json;

namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// One listen of a connection: a plain location (pushes without a tag) or a tagged query (pushes carrying its tag, the
/// window kept exact by the engine). Inactive once unlistened, replaced or revoked: pushes still queued for it are dropped.
/// </summary>
/// <param name="RawPath">The path as the client wrote it, echoed in a revocation so that the client finds its listen.</param>
/// <param name="Path">The location.</param>
/// <param name="Query">The query (its order, range and limit), or <see langword="null"/> for a plain listen.</param>
/// <param name="Tag">The client's tag for a query listen.</param>
/// <param name="WireQuery">The query object as the client sent it, echoed in a revocation.</param>
/// <param name="Hash">The hash of what the client has cached for this listen (<c>h</c>): when equal, the initial data is not sent again.</param>
internal sealed record RealtimeListen(string RawPath, RealtimePath Path, RealtimeQuery? Query, long? Tag, JsonElement? WireQuery, string Hash) : IDisposable
{
    private IDisposable? _registration;
    private volatile bool _active = true;

    /// <summary>How a listen is found again by <c>n</c>: its path and tag (a plain listen has none).</summary>
    public (RealtimePath Path, long? Tag) Key => (Path, Tag);

    public bool IsActive => _active;

    /// <summary>The engine registration feeding this listen; disposed with it.</summary>
    public void Attach(IDisposable registration)
    {
        _registration = registration;
        if (!_active)
        {
            registration.Dispose();
        }
    }

    public void Dispose()
    {
        _active = false;
        _registration?.Dispose();
    }
}
