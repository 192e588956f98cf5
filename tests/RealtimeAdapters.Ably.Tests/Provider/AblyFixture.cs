using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>Binds the conformance suite to the Ably provider over JSON: each backend is its own in-process emulator, so backends are isolated.</summary>
public class AblyFixture : RealtimeProviderFixture
{
    public override string ProviderName => AblyChannelClient.Name;

    public override RealtimeCapabilities ExpectedStoreCapabilities => RealtimeCapabilities.None;

    public override RealtimeCapabilities ExpectedChannelCapabilities =>
        RealtimeCapabilities.Channels | RealtimeCapabilities.History | RealtimeCapabilities.EchoSuppression | RealtimeCapabilities.Presence;

    /// <summary>Whether the clients under test use msgpack.</summary>
    protected virtual bool UseBinaryProtocol => false;

    public override async ValueTask<RealtimeTestBackend> CreateBackendAsync(CancellationToken cancellationToken = default)
    {
        // A fake clock on a whole millisecond: Ably timestamps are milliseconds, so a clock with sub-millisecond ticks
        // would put stored messages just after the range bounds read back from them.
        var now = DateTimeOffset.UtcNow;
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()));
        var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { TimeProvider = time, Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } }, cancellationToken);
        return new AblyTestBackend(emulator, time, UseBinaryProtocol);
    }

    private sealed class AblyTestBackend(RealtimeEmulator emulator, FakeTimeProvider time, bool binary) : RealtimeTestBackend
    {
        public override TimeProvider TimeProvider => time;

        public override bool CanControlTime => true;

        public override void AdvanceTime(TimeSpan delta) => time.Advance(delta);

        protected override ValueTask<IRealtimeStore> CreateStoreCoreAsync(CancellationToken cancellationToken) =>
            throw new RealtimeNotSupportedException(AblyChannelClient.Name, RealtimeCapabilities.Store);

        protected override ValueTask<IChannelClient> CreateChannelClientCoreAsync(ChannelClientSpec spec, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IChannelClient>(new AblyChannelClient(new AblyChannelClientOptions
            {
                Endpoint = emulator.AblyUrl,
                Key = emulator.AblyKeys[0],
                ClientId = spec.ClientId,
                EchoMessages = spec.EchoMessages,
                UseBinaryProtocol = binary,
            }));

        protected override async ValueTask DisposeCoreAsync()
        {
            await emulator.DisposeAsync();
            await base.DisposeCoreAsync();
        }
    }
}
