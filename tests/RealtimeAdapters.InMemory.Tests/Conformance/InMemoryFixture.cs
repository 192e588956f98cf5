using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

/// <summary>Binds the conformance suite to the in-memory provider: one fresh database and channel hub per backend.</summary>
public sealed class InMemoryFixture : RealtimeProviderFixture
{
    public override string ProviderName => "InMemory";

    public override RealtimeCapabilities ExpectedStoreCapabilities =>
        RealtimeCapabilities.Store | RealtimeCapabilities.Queries | RealtimeCapabilities.Transactions |
        RealtimeCapabilities.ServerValues | RealtimeCapabilities.Priorities | RealtimeCapabilities.OnDisconnect;

    public override RealtimeCapabilities ExpectedChannelCapabilities =>
        RealtimeCapabilities.Channels | RealtimeCapabilities.History | RealtimeCapabilities.Presence | RealtimeCapabilities.EchoSuppression;

    public override ValueTask<RealtimeTestBackend> CreateBackendAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<RealtimeTestBackend>(new InMemoryTestBackend());

    // A fake clock starting at the real time: timestamps stay plausible, tests that move time (retention) can run, and
    // the server-timestamp tests prove the engine reads the injected clock rather than the system's.
    private sealed class InMemoryTestBackend : RealtimeTestBackend
    {
        private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
        private readonly InMemoryDatabase _database;
        private readonly InMemoryChannelHub _hub;

        public InMemoryTestBackend()
        {
            _database = new InMemoryDatabase(_time);
            _hub = new InMemoryChannelHub(new InMemoryChannelOptions { TimeProvider = _time });
        }

        public override TimeProvider TimeProvider => _time;

        public override bool CanControlTime => true;

        public override int MaxMessageSize => _hub.Options.MaxMessageSize;

        public override TimeSpan? HistoryRetention => _hub.Options.HistoryRetention;

        public override void AdvanceTime(TimeSpan delta) => _time.Advance(delta);

        protected override ValueTask<IRealtimeStore> CreateStoreCoreAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IRealtimeStore>(new InMemoryRealtimeStore(_database));

        protected override ValueTask<IChannelClient> CreateChannelClientCoreAsync(ChannelClientSpec spec, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IChannelClient>(new InMemoryChannelClient(_hub, new InMemoryChannelClientOptions
            {
                ClientId = spec.ClientId,
                EchoMessages = spec.EchoMessages,
            }));
    }
}
