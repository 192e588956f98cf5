using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>Binds the conformance suite to the Ably provider over JSON (channels, and the store over LiveObjects): each backend is its own in-process emulator, so backends are isolated.</summary>
public class AblyFixture : RealtimeProviderFixture
{
    public override string ProviderName => AblyChannelClient.Name;

    public override RealtimeCapabilities ExpectedStoreCapabilities => RealtimeCapabilities.Store | RealtimeCapabilities.Queries;

    public override RealtimeCapabilities ExpectedChannelCapabilities =>
        RealtimeCapabilities.Channels | RealtimeCapabilities.History | RealtimeCapabilities.EchoSuppression | RealtimeCapabilities.Presence;

    /// <summary>The emulated account's message size limit (bytes).</summary>
    public const int MaxMessageSize = 384 * 1024;

    /// <summary>Whether the clients under test use msgpack.</summary>
    protected virtual bool UseBinaryProtocol => false;

    public override async ValueTask<RealtimeTestBackend> CreateBackendAsync(CancellationToken cancellationToken = default)
    {
        // A fake clock on a whole millisecond: Ably timestamps are milliseconds, so a clock with sub-millisecond ticks
        // would put stored messages just after the range bounds read back from them.
        var now = DateTimeOffset.UtcNow;
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()));
        // The account's message size limit is raised from Ably's default 64 KiB to 384 KiB: the store suite round-trips a
        // 256 KiB string, which LiveObjects carries in one operation (and one object) and so needs a limit above it. With the
        // default limit such a write is refused with 40009 before it is sent (AblyStoreTests covers that).
        var emulator = await RealtimeEmulator.StartAsync(
            new EmulatorOptions { TimeProvider = time, Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0, MaxMessageSize = MaxMessageSize } },
            cancellationToken);
        return new AblyTestBackend(emulator, time, UseBinaryProtocol);
    }

    private sealed class AblyTestBackend(RealtimeEmulator emulator, FakeTimeProvider time, bool binary) : RealtimeTestBackend
    {
        public override TimeProvider TimeProvider => time;

        public override bool CanControlTime => true;

        public override int MaxMessageSize => AblyFixture.MaxMessageSize;

        public override void AdvanceTime(TimeSpan delta) => time.Advance(delta);

        protected override ValueTask<IRealtimeStore> CreateStoreCoreAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IRealtimeStore>(new AblyRealtimeStore(new AblyChannelClientOptions
            {
                Endpoint = emulator.AblyUrl,
                Key = emulator.AblyKeys[0],
                UseBinaryProtocol = binary,
            }));

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
