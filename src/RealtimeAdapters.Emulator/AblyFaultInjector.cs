using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Emulator.Ably;

namespace RealtimeAdapters.Emulator;

/// <summary>
/// Injects faults into the emulator's Ably realtime connections, for testing a client's connection state machine:
/// network cuts, server-sent DISCONNECTED, server AUTH requests, server-initiated DETACHED, expired connection state and
/// refused connection attempts. Get it from <see cref="RealtimeEmulator.AblyFaults"/>. Thread-safe: every member can be
/// used while other clients are being served.
/// </summary>
/// <remarks>
/// Connections are named by their <c>connectionId</c> (the CONNECTED message's, e.g. ably-js <c>connection.id</c>).
/// A method returns <see langword="false"/> when the connection has no live transport (unknown, closed, or currently
/// disconnected).
/// </remarks>
/// <example><code>
/// var id = await emulator.AblyFaults.WaitForConnectionAsync();
/// await emulator.AblyFaults.DropTransportAsync(id);            // the client should resume with the same id
/// var resumed = await emulator.AblyFaults.WaitForConnectionAsync(c => c == id);
/// </code></example>
public sealed class AblyFaultInjector
{
    private readonly AblyServer _server;

    internal AblyFaultInjector(AblyServer server) => _server = server;

    /// <summary>The ids of the connections that currently have a live transport (connected and not being closed).</summary>
    public IReadOnlyList<string> ConnectionIds => _server.LiveConnectionIds;

    /// <summary>
    /// The next N WebSocket upgrade attempts are refused with HTTP 503 and an Ably error body (code 50002), before any
    /// CONNECTED: for testing a client's retry and backoff. Each refused attempt counts one down; 0 (the default) refuses none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int RefuseConnections
    {
        get => _server.RefuseConnections;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _server.RefuseConnections = value;
        }
    }

    /// <summary>
    /// The next N ATTACH frames (from any connection) get no answer at all: for testing a client's attach timeout and
    /// retry. Each ignored ATTACH counts one down; 0 (the default) ignores none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int IgnoreAttaches
    {
        get => _server.IgnoreAttaches;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _server.IgnoreAttaches = value;
        }
    }

    /// <summary>
    /// Completes with the id of a connection with a live transport that matches <paramref name="predicate"/>: one that is
    /// already there, or the next to connect or resume (after its CONNECTED was queued).
    /// </summary>
    /// <param name="predicate">Which connection ids qualify; any when omitted.</param>
    /// <param name="cancellationToken">Cancels the wait (use a timeout in tests).</param>
    /// <returns>The connection id.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="ObjectDisposedException">The emulator stopped.</exception>
    public Task<string> WaitForConnectionAsync(Func<string, bool>? predicate = null, CancellationToken cancellationToken = default) =>
        _server.WaitForConnectionAsync(predicate, cancellationToken);

    /// <summary>
    /// Cuts a connection's transport as a network failure would: the WebSocket is aborted with no DISCONNECTED and no
    /// close frame. The connection state is kept, so the client can resume within
    /// <see cref="AblyEmulatorOptions.ConnectionStateTtl"/>; its presence members leave after
    /// <see cref="AblyEmulatorOptions.PresenceLeaveDelay"/> unless it does. Completes once the transport has ended.
    /// </summary>
    /// <param name="connectionId">The connection.</param>
    /// <returns><see langword="false"/> when the connection has no live transport.</returns>
    /// <exception cref="ArgumentException">The id is null or empty.</exception>
    public async Task<bool> DropTransportAsync(string connectionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        if (!_server.TryGetLiveTransport(connectionId, out var transport))
        {
            return false;
        }

        _server.RecordFault("drop_transport");
        await transport.DropAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Sends DISCONNECTED carrying an ErrorInfo with <paramref name="errorCode"/> (its statusCode derived from the code, e.g.
    /// 401 for the 4014x token errors), then closes the transport. The connection state is kept for a resume. Completes
    /// once DISCONNECTED and the close frame were written; the transport ends when the client answers the close.
    /// </summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="errorCode">The Ably error code, e.g. 40142 (token expired) or 80003.</param>
    /// <param name="message">The error message.</param>
    /// <returns><see langword="false"/> when the connection has no live transport.</returns>
    /// <exception cref="ArgumentException">The id is null or empty.</exception>
    /// <exception cref="ArgumentNullException">The message is null.</exception>
    public async Task<bool> DisconnectAsync(string connectionId, int errorCode, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        ArgumentNullException.ThrowIfNull(message);
        if (!_server.TryGetLiveTransport(connectionId, out var transport))
        {
            return false;
        }

        _server.RecordFault("disconnect");
        await transport.DisconnectByServerAsync(ErrorInfo.Create(errorCode, message)).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Sends a server AUTH (action 17) now, asking the client to obtain a new token and send it in an AUTH (RTN22); the
    /// server answers that with CONNECTED. Completes once the AUTH was written.
    /// </summary>
    /// <param name="connectionId">The connection.</param>
    /// <returns><see langword="false"/> when the connection has no live transport.</returns>
    /// <exception cref="ArgumentException">The id is null or empty.</exception>
    public async Task<bool> RequestReauthAsync(string connectionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        if (!_server.TryGetLiveTransport(connectionId, out var transport))
        {
            return false;
        }

        _server.RecordFault("request_reauth");
        await transport.RequestReauthAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Sends a server-initiated DETACHED for <paramref name="channel"/> with an ErrorInfo (the client should re-attach at
    /// once, RTL13). The server stops delivering the channel's messages and presence to the connection until it attaches
    /// again. The DETACHED is sent whether or not the channel is attached (so an attaching client can be tested too).
    /// Completes once the DETACHED was written.
    /// </summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="channel">The channel name.</param>
    /// <param name="errorCode">The Ably error code, e.g. 90001 or 50001.</param>
    /// <param name="message">The error message.</param>
    /// <returns><see langword="false"/> when the connection has no live transport.</returns>
    /// <exception cref="ArgumentException">The id or the channel is null or empty.</exception>
    /// <exception cref="ArgumentNullException">The message is null.</exception>
    public async Task<bool> DetachChannelAsync(string connectionId, string channel, int errorCode, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(message);
        if (!_server.TryGetLiveTransport(connectionId, out var transport))
        {
            return false;
        }

        _server.RecordFault("detach_channel");
        await transport.DetachByServerAsync(channel, ErrorInfo.Create(errorCode, message)).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Holds a connection's view of a channel's LiveObjects stale: the object operations of others (and the service's
    /// deletions) are withheld from it until it next publishes object operations on the channel, and delivered just before
    /// that publish is answered, as if they had been delayed in the network. For forcing a write planned against an old view
    /// deterministically. <see cref="ReleaseObjects"/> delivers them earlier.
    /// </summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="channel">The channel name.</param>
    /// <returns><see langword="false"/> when the connection has no objects attachment on the channel.</returns>
    /// <exception cref="ArgumentException">The id or the channel is null or empty.</exception>
    public bool HoldObjects(string connectionId, string channel)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        return _server.Objects.Find(channel)?.Hold(connectionId) ?? false;
    }

    /// <summary>Delivers the object operations <see cref="HoldObjects"/> withheld from a connection, and stops withholding them.</summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="channel">The channel name.</param>
    /// <exception cref="ArgumentException">The id or the channel is null or empty.</exception>
    public void ReleaseObjects(string connectionId, string channel)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        _server.Objects.Find(channel)?.ReleaseHeld(connectionId);
    }

    /// <summary>
    /// Drops a connection's resume state now, as when <see cref="AblyEmulatorOptions.ConnectionStateTtl"/> has passed: its
    /// presence members leave, and the next resume or recover with its key gets CONNECTED with a new connection id and
    /// error 80008. A live transport is not touched (drop it first to test an expired resume).
    /// </summary>
    /// <param name="connectionId">The connection.</param>
    /// <returns><see langword="false"/> when no resumable state exists for the id.</returns>
    /// <exception cref="ArgumentException">The id is null or empty.</exception>
    public bool ForgetConnection(string connectionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        var state = _server.Connections.Values.FirstOrDefault(s => string.Equals(s.ConnectionId, connectionId, StringComparison.Ordinal));
        if (state is null)
        {
            return false;
        }

        _server.RecordFault("forget_connection");
        state.Forget(_server);
        return true;
    }
}
