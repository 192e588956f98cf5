using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

/// <summary>
/// Binds the conformance suite to the Firebase provider against an in-process emulator, over the default realtime
/// transport (one WebSocket): one fresh namespace per backend.
/// </summary>
public class FirebaseFixture : RealtimeProviderFixture
{
    // The emulator runs on a fake clock starting at the real time, so that the suite's clock tests can move it. xunit
    // runs the tests of one class one after another and gives each class its own fixture, so moves stay local.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private RealtimeEmulator? _emulator;

    public override string ProviderName => FirebaseRealtimeStore.Name;

    public override RealtimeCapabilities ExpectedStoreCapabilities =>
        RealtimeCapabilities.Store | RealtimeCapabilities.Queries | RealtimeCapabilities.Transactions |
        RealtimeCapabilities.ServerValues | RealtimeCapabilities.Priorities |
        (Transport == FirebaseTransport.Realtime ? RealtimeCapabilities.OnDisconnect : RealtimeCapabilities.None);

    /// <summary>The transport of the stores under test.</summary>
    protected virtual FirebaseTransport Transport => FirebaseTransport.Realtime;

    /// <summary>Channels over database paths: presence needs on-disconnect writes, which only the realtime transport has.</summary>
    public override RealtimeCapabilities ExpectedChannelCapabilities =>
        RealtimeCapabilities.Channels | RealtimeCapabilities.History | RealtimeCapabilities.EchoSuppression |
        (Transport == FirebaseTransport.Realtime ? RealtimeCapabilities.Presence : RealtimeCapabilities.None);

    /// <summary>How long the channel clients under test keep history (so that the suite's retention test runs).</summary>
    public static TimeSpan HistoryRetention => TimeSpan.FromMinutes(2);

    /// <summary>Whether the stores under test run with <see cref="FirebaseStoreOptions.LatencyCompensation"/>.</summary>
    protected virtual bool LatencyCompensation => false;

    public RealtimeEmulator Emulator => _emulator ?? throw new InvalidOperationException("The fixture is not initialised.");

    public override async ValueTask InitializeAsync() =>
        _emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { TimeProvider = _time, Firebase = { Port = 0 } });

    protected override async ValueTask DisposeAsyncCore()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        await base.DisposeAsyncCore();
    }

    public override ValueTask<RealtimeTestBackend> CreateBackendAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<RealtimeTestBackend>(new FirebaseTestBackend(Emulator.FirebaseUrl, "t" + Guid.NewGuid().ToString("N"), _time, LatencyCompensation, Transport));

    private sealed class FirebaseTestBackend(Uri url, string ns, FakeTimeProvider time, bool latencyCompensation, FirebaseTransport transport) : RealtimeTestBackend
    {
        public override TimeProvider TimeProvider => time;

        public override bool CanControlTime => true;

        public override void AdvanceTime(TimeSpan delta) => time.Advance(delta);

        public override TimeSpan? HistoryRetention => FirebaseFixture.HistoryRetention;

        protected override ValueTask<IRealtimeStore> CreateStoreCoreAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IRealtimeStore>(new FirebaseRealtimeStore(new FirebaseStoreOptions
            {
                Transport = transport,
                DatabaseUrl = url,
                Namespace = ns,
                UseEmulatorAdmin = true,
                LatencyCompensation = latencyCompensation,

                // A compensated timestamp is estimated from the store's clock: it must be the (fake) clock the emulator runs on,
                // as in production it is the system clock, which the service's clock follows.
                TimeProvider = latencyCompensation ? time : null,
            }));

        protected override ValueTask<IChannelClient> CreateChannelClientCoreAsync(ChannelClientSpec spec, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IChannelClient>(new FirebaseChannelClient(new FirebaseChannelOptions
            {
                ClientId = spec.ClientId,
                EchoMessages = spec.EchoMessages,
                HistoryMaxAge = FirebaseFixture.HistoryRetention,

                // History ages are measured on the clock the emulator stamps messages with.
                TimeProvider = time,
                Database = new FirebaseStoreOptions { Transport = transport, DatabaseUrl = url, Namespace = ns, UseEmulatorAdmin = true },
            }));
    }
}
