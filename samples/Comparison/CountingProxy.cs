using System.Net;
using System.Net.Sockets;

namespace RealtimeAdapters.Comparison;

/// <summary>
/// A TCP forwarder on loopback between clients and a backend: it counts the bytes each way (the cost on the wire of a
/// scenario, whatever the protocol) and can cut every connection through it at once (a network cut, as the client sees it:
/// the socket is reset; the backend sees its side closed). New connections are accepted after a cut, so clients reconnect.
/// </summary>
public sealed class CountingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(TcpClient Client, TcpClient Server)> _pairs = [];
    private readonly Task _accept;
    private long _up;
    private long _down;

    /// <summary>Starts forwarding to <c>127.0.0.1:<paramref name="targetPort"/></c>.</summary>
    /// <param name="targetPort">The backend's port.</param>
    public CountingProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accept = Task.Run(AcceptAsync);
    }

    /// <summary>The proxy's port.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Bytes sent by clients to the backend since the last <see cref="ResetCounters"/>.</summary>
    public long BytesUp => Interlocked.Read(ref _up);

    /// <summary>Bytes sent by the backend to clients since the last <see cref="ResetCounters"/>.</summary>
    public long BytesDown => Interlocked.Read(ref _down);

    /// <summary>Rewrites a backend URL to go through the proxy.</summary>
    /// <param name="url">The backend's URL (on loopback).</param>
    public Uri Through(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new UriBuilder(url) { Host = "127.0.0.1", Port = Port }.Uri;
    }

    /// <summary>Starts counting from zero.</summary>
    public void ResetCounters()
    {
        Interlocked.Exchange(ref _up, 0);
        Interlocked.Exchange(ref _down, 0);
    }

    /// <summary>Resets every connection through the proxy; returns how many there were.</summary>
    public int CutAll()
    {
        List<(TcpClient Client, TcpClient Server)> pairs;
        lock (_gate)
        {
            pairs = [.. _pairs];
            _pairs.Clear();
        }

        foreach (var (client, server) in pairs)
        {
            // A pair may be ending on its own meanwhile (its socket already released).
            try
            {
                if (client.Client is { } socket)
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
            }

            client.Dispose();
            server.Dispose();
        }

        return pairs.Count;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        CutAll();
        try
        {
            await _accept.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var server = new TcpClient { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token).ConfigureAwait(false);
            lock (_gate)
            {
                _pairs.Add((client, server));
            }

            await Task.WhenAny(
                PumpAsync(client.GetStream(), server.GetStream(), up: true),
                PumpAsync(server.GetStream(), client.GetStream(), up: false)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (_gate)
            {
                _pairs.RemoveAll(p => ReferenceEquals(p.Client, client));
            }

            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool up)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                Interlocked.Add(ref up ? ref _up : ref _down, read);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
    }
}
