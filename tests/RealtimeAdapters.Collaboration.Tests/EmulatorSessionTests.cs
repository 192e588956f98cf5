using RealtimeAdapters.Ably;
using RealtimeAdapters.Collaboration;
using RealtimeAdapters.Firebase;
using static RealtimeAdapters.Collaboration.Tests.Support;

namespace RealtimeAdapters.Collaboration.Tests;

/// <summary>
/// The same scenario (two replicas edit concurrently and converge, then a late joiner catches up) over the real provider
/// clients against the in-process emulator: the Firebase store, Firebase channels and Ably channels.
/// </summary>
public sealed class EmulatorSessionTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _created = [];
    private readonly string _ns = "t" + Guid.NewGuid().ToString("N");
    private readonly string _channel = "doc-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public Task FirebaseStore_ReplicasConverge_AndALateJoinerCatchesUp() =>
        RunScenarioAsync(
            _ => ReplicationTransport.Store(FirebaseStore(), RealtimePath.Parse("docs/todos"), new StoreReplicationOptions { CompactEvery = 3 }),
            static o => { o.Document.ClientId = "user"; return o; });

    [Fact]
    public Task FirebaseChannels_ReplicasConverge_AndALateJoinerCatchesUp() =>
        RunScenarioAsync(client => ReplicationTransport.Channel(Track(new FirebaseChannelClient(new FirebaseChannelOptions { ClientId = client, Database = StoreOptions() })), _channel, new ChannelReplicationOptions { SnapshotEvery = 3 }));

    [Fact]
    public Task AblyChannels_ReplicasConverge_AndALateJoinerCatchesUp() =>
        RunScenarioAsync(client => ReplicationTransport.Channel(
            Track(new AblyChannelClient(new AblyChannelClientOptions { Endpoint = fixture.Emulator.AblyUrl, Key = fixture.Emulator.AblyKeys[0], ClientId = client })),
            _channel,
            new ChannelReplicationOptions { SnapshotEvery = 3 }));

    public async ValueTask DisposeAsync()
    {
        for (var i = _created.Count - 1; i >= 0; i--)
        {
            await _created[i].DisposeAsync();
        }
    }

    private FirebaseStoreOptions StoreOptions() =>
        new() { DatabaseUrl = fixture.Emulator.FirebaseUrl, Namespace = _ns, UseEmulatorAdmin = true };

    private FirebaseRealtimeStore FirebaseStore() => Track(new FirebaseRealtimeStore(StoreOptions()));

    private T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        _created.Add(disposable);
        return disposable;
    }
}
