using System.Net;

namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// Counts the long-lived connections (WebSockets, event streams) each client IP address holds open on one front end and
/// refuses one over <c>max</c>. A lease is released when its connection ends. With <c>max</c> 0 nothing is counted and
/// nothing refused.
/// </summary>
internal sealed class ConnectionsPerAddress(int max)
{
    private readonly Dictionary<IPAddress, int> _open = [];
    private readonly Lock _gate = new();

    /// <summary>The most connections one address may hold; 0 means no limit.</summary>
    public int Max => max;

    /// <summary>Takes a slot for <paramref name="address"/>, or answers <see langword="null"/> when it already holds <see cref="Max"/>.</summary>
    public IDisposable? TryOpen(IPAddress? address)
    {
        if (max == 0)
        {
            return NoLease.Instance;
        }

        // One client reaching the server over IPv4 and over an IPv4-mapped IPv6 socket is still one client.
        var key = address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(key);
            if (open >= max)
            {
                return null;
            }

            _open[key] = open + 1;
        }

        return new Lease(this, key);
    }

    private void Release(IPAddress key)
    {
        lock (_gate)
        {
            var open = _open[key] - 1;
            if (open == 0)
            {
                _open.Remove(key);
            }
            else
            {
                _open[key] = open;
            }
        }
    }

    private sealed class Lease(ConnectionsPerAddress owner, IPAddress key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(key);
            }
        }
    }

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }
}
