using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// The realtime WebSocket endpoint (<c>/.ws?v=5&amp;ns=…</c>) of the Firebase front end: each upgrade becomes a
/// <see cref="RealtimeConnection"/> on the namespace its <c>ns</c> names (the same databases as REST). Keeps the open
/// sessions so that a reconnecting client (<c>ls</c>, its previous session) can end its own half-open one.
/// </summary>
internal sealed class RealtimeEndpoint(FirebaseServer server)
{
    private readonly ConcurrentDictionary<string, RealtimeConnection> _sessions = new(StringComparer.Ordinal);

    public FirebaseServer Server => server;

    /// <summary>How many connections are open.</summary>
    public int Count => _sessions.Count;

    /// <summary>Whether a request is a realtime upgrade this endpoint serves.</summary>
    public static bool IsRealtimeRequest(HttpContext context) =>
        context.Request.Path.Value is "/.ws" && context.WebSockets.IsWebSocketRequest;

    public async Task AcceptAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var name = query["ns"].FirstOrDefault() ?? server.Options.DefaultNamespace;
        if (!FirebaseNamespaceName.IsValid(name))
        {
            throw FirebaseHttpException.BadRequest($"Invalid namespace \"{FirebaseQueryParameters.Printable(name)}\": {FirebaseNamespaceName.Rule}");
        }

        var ns = server.Namespaces.Get(name);
        using var connection = new RealtimeConnection(this, context, ns, NewSessionId());
        await connection.RunAsync(query["ls"].FirstOrDefault()).ConfigureAwait(false);
    }

    public void Register(RealtimeConnection connection) => _sessions[connection.SessionId] = connection;

    public void Unregister(RealtimeConnection connection) =>
        _sessions.TryRemove(new KeyValuePair<string, RealtimeConnection>(connection.SessionId, connection));

    /// <summary>Ends the session a reconnecting client left behind, if it is still open, and waits until its onDisconnect writes ran.</summary>
    public async Task EndSessionAsync(string sessionId, RealtimeConnection successor)
    {
        if (_sessions.TryGetValue(sessionId, out var previous) && previous != successor && previous.Namespace == successor.Namespace)
        {
            previous.Replace();
            try
            {
                await previous.Ended.WaitAsync(TimeSpan.FromSeconds(5), server.Time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Its writes are still running: the new connection starts anyway rather than keep the client waiting.
            }
        }
    }

    /// <summary>Cuts every open connection of a namespace at once, as a network failure would (their onDisconnect writes run).</summary>
    /// <returns>How many connections were cut.</returns>
    public int DropAll(FirebaseNamespace ns)
    {
        var dropped = 0;
        foreach (var connection in _sessions.Values)
        {
            if (connection.Namespace == ns)
            {
                connection.Abort("dropped by the emulator's fault hook");
                dropped++;
            }
        }

        return dropped;
    }

    /// <summary>
    /// Benchmark hook: every open connection of a namespace keeps its outbound messages (encoded, in order) from now on,
    /// until the hold is released.
    /// </summary>
    public FirebaseOutboundHold HoldAll(FirebaseNamespace ns)
    {
        var held = _sessions.Values.Where(c => c.Namespace == ns).Select(c => c.Sender).ToList();
        foreach (var sender in held)
        {
            sender.Hold();
        }

        return new FirebaseOutboundHold(held);
    }

    // Unguessable, since naming a session ends it.
    private static string NewSessionId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
}
