using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Firebase.Tests.Realtime;

/// <summary>
/// The realtime transport over <c>wss://</c>, as every production database is reached: the client opens the TCP
/// connection itself (so that a burst of requests leaves in one write) and TLS is layered over it. The emulator speaks
/// plain <c>ws://</c>, so a TLS-terminating relay with a self-signed certificate for <c>localhost</c> stands in front of it;
/// the store trusts that certificate through its handlers (<see cref="FirebaseStoreOptions.ConfigureRealtimeHandler"/> for
/// the socket, <see cref="FirebaseStoreOptions.HttpMessageHandler"/> for REST), as an application with a private CA would.
/// </summary>
public sealed class FirebaseRealtimeTlsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Realtime_OverTls_WatchesAndPipelinesWrites()
    {
        using var certificate = CreateCertificate();
        var thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        var validations = 0;
        bool Trust(X509Certificate? presented, SslPolicyErrors errors)
        {
            Interlocked.Increment(ref validations);
            return errors == SslPolicyErrors.None ||
                (presented is not null && string.Equals(presented.GetCertHashString(HashAlgorithmName.SHA256), thumbprint, StringComparison.Ordinal));
        }

        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } }, Ct);
        await using var relay = TlsRelay.Start(certificate, emulator.FirebaseUrl.Port);
        using var rest = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, c, _, e) => Trust(c, e) } };
        var socketHandlers = 0;
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            DatabaseUrl = new Uri($"https://localhost:{relay.Port}/"),
            Namespace = "tls-" + Guid.NewGuid().ToString("N")[..8],
            UseEmulatorAdmin = true,
            HttpMessageHandler = rest,
            ConfigureRealtimeHandler = handler =>
            {
                Interlocked.Increment(ref socketHandlers);
                handler.SslOptions.RemoteCertificateValidationCallback = (_, c, _, e) => Trust(c, e);
            },
        });
        await using var watch = await store.WatchAsync("list", new WatchOptions { Events = StoreEventKind.ChildAdded }, Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);

        // A burst: the client gathers the queued requests into few writes, each sent as TLS records.
        var writes = Enumerable.Range(0, 200).Select(i => store.SetAsync($"list/k{i:D3}", i, Ct).AsTask()).ToList();
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        for (var i = 0; i < 200; i++)
        {
            Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct));
            Assert.Equal($"k{i:D3}", events.Current.Snapshot.Key);
            Assert.Equal(i, events.Current.Snapshot.Node.GetNumber());
        }

        Assert.Equal(200, (await store.GetAsync("list", Ct)).Node.ChildCount);
        Assert.True(socketHandlers >= 1);
        Assert.True(validations >= 1);
        Assert.True(relay.Connections >= 1);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        // Through PKCS #12 so that SslStream can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>Accepts TLS on a loopback port and relays the plain bytes to the emulator's port, both ways.</summary>
    private sealed class TlsRelay : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly X509Certificate2 _certificate;
        private readonly int _target;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _relays = [];
        private Task _accepting = Task.CompletedTask;
        private int _connections;

        private TlsRelay(X509Certificate2 certificate, int target)
        {
            _certificate = certificate;
            _target = target;
            _listener = new TcpListener(IPAddress.Loopback, 0);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public static TlsRelay Start(X509Certificate2 certificate, int target)
        {
            var relay = new TlsRelay(certificate, target);
            relay._listener.Start();
            relay._accepting = relay.AcceptAsync();
            return relay;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await Task.WhenAll([_accepting, .. _relays]).ContinueWith(static _ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref _connections);
                lock (_relays)
                {
                    _relays.Add(RelayAsync(client));
                }
            }
        }

        private async Task RelayAsync(Socket client)
        {
            using var upstream = new TcpClient();
            await using var tls = new SslStream(new NetworkStream(client, ownsSocket: true));
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                await upstream.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                var plain = upstream.GetStream();
                await Task.WhenAny(tls.CopyToAsync(plain, _stop.Token), plain.CopyToAsync(tls, _stop.Token));
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
            {
                // The client or the emulator went away.
            }
        }
    }
}
