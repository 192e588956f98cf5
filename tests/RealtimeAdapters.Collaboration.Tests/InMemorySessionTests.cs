using RealtimeAdapters.Collaboration;
using RealtimeAdapters.InMemory;
using static RealtimeAdapters.Collaboration.Tests.Support;

namespace RealtimeAdapters.Collaboration.Tests;

/// <summary>Sessions over the in-memory providers: both transports, late joiners, snapshots, compaction, forged input, and the SQLite queue across a restart.</summary>
public sealed class InMemorySessionTests : IAsyncDisposable
{
    private readonly InMemoryChannelHub _hub = new();
    private readonly InMemoryDatabase _database = new();
    private readonly List<IAsyncDisposable> _created = [];
    private readonly string _file = Path.Combine(Path.GetTempPath(), "collab-" + Guid.NewGuid().ToString("N") + ".db");

    [Fact]
    public Task Channel_TwoReplicasConverge_AndALateJoinerCatchesUp() =>
        RunScenarioAsync(client => ReplicationTransport.Channel(Client(client), "doc:todos"));

    [Fact]
    public Task Store_TwoReplicasConverge_AndALateJoinerCatchesUp() =>
        RunScenarioAsync(_ => ReplicationTransport.Store(Store(), RealtimePath.Parse("docs/todos")), o => { o.Document.ClientId = "user"; return o; });

    [Fact]
    public async Task Channel_LateJoiner_CatchesUpFromTheNewestSnapshot_WhenOlderEditsHaveLeftHistory()
    {
        // The hub keeps 8 messages: the first edits are gone from history, and only a snapshot still carries them.
        var hub = new InMemoryChannelHub(new InMemoryChannelOptions { MaxHistoryPerChannel = 8 });
        var options = new ChannelReplicationOptions { SnapshotEvery = 5, SnapshotOverlap = TimeSpan.Zero };
        await using (var alice = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(Client("alice", hub), "doc", options) }, Ct))
        {
            var list = alice.Document.GetList<int>("l");
            for (var i = 0; i < 12; i++)
            {
                list.Add(i);
                Assert.True(await alice.FlushAsync(Ct));
            }
        }

        var history = await Client(null, hub).GetChannel("doc").GetHistoryAsync(cancellationToken: Ct);
        var names = history.Items.Select(static m => m.Name).ToList();
        Assert.Equal(8, names.Count);
        Assert.Contains(ChannelTransport.SnapshotEvent, names);

        await using var carol = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(Client("carol", hub), "doc", options) }, Ct);
        Assert.Equal(Enumerable.Range(0, 12), carol.Document.GetList<int>("l"));
    }

    [Fact]
    public async Task Channel_OperationNamingAnotherAuthor_IsRejectedAsForged_AndChangesNothing()
    {
        await using var bob = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(Client("bob"), "doc") }, Ct);
        var errors = new List<Exception>();
        var rejected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.ErrorOccurred += (_, e) => { errors.Add(e.Error); rejected.TrySetResult(); };
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var forged = $$$"""{"v":1,"id":"{{{now}}}.0.alice#x","a":"alice","o":"l","k":"list","c":{"v:{{{now}}}.0.alice#x":"evil","p:{{{now}}}.0.alice#x":"V"}}""";
        await Client("mallory").GetChannel("doc").PublishAsync(ChannelTransport.OperationEvent, forged, Ct);
        await rejected.Task.WaitAsync(Support.Timeout, Ct);
        var ex = Assert.IsType<OperationRejectedException>(Assert.Single(errors));
        Assert.Equal(RejectionReason.Forged, ex.Reason);
        Assert.Equal(1, bob.RejectedCount);
        Assert.Empty(bob.Document.GetList<string>("l"));
    }

    [Fact]
    public async Task Store_ManyEdits_AreCompactedIntoTheSnapshot_AndALateJoinerReadsIt()
    {
        var path = RealtimePath.Parse("docs/big");
        var options = new StoreReplicationOptions { CompactEvery = 10 };
        var observer = Store();

        // Compaction writes the snapshot, then removes the edits it holds: wait for both.
        await using var snapshot = await observer.WatchAsync(path.Child("snapshot"), new WatchOptions { Events = StoreEventKind.Value }, Ct);
        await using var edits = await observer.WatchAsync(path.Child("ops"), new WatchOptions { Events = StoreEventKind.Value }, Ct);
        await using (var alice = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Store(Store(), path, options) }, Ct))
        {
            var map = alice.Document.GetMap<int>("m");
            for (var i = 0; i < 25; i++)
            {
                map.Set("k" + (i % 7), i);
                Assert.True(await alice.FlushAsync(Ct));
            }

            await foreach (var e in snapshot.WithCancellation(Ct))
            {
                if (e.Snapshot.Exists)
                {
                    break;
                }
            }

            // The edits' node grows as they arrive (the events queued since the watch began), then shrinks when compacted.
            var most = 0;
            await foreach (var e in edits.WithCancellation(Ct))
            {
                most = Math.Max(most, e.Snapshot.ChildrenCount);
                if (e.Snapshot.ChildrenCount < most)
                {
                    break;
                }
            }
        }

        var ops = await observer.GetAsync(path.Child("ops"), Ct);
        Assert.True(ops.ChildrenCount < 25, $"{ops.ChildrenCount} edits remain uncompacted");
        await using var carol = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Store(Store(), path, options) }, Ct);
        var expected = Enumerable.Range(18, 7).ToDictionary(static i => "k" + (i % 7), static i => i);
        Assert.Equal(expected.OrderBy(static kv => kv.Key, StringComparer.Ordinal), carol.Document.GetMap<int>("m"));
    }

    [Fact]
    public async Task Store_WithTombstoneRetention_CompactsPastTheHorizon_WithoutTheRemovalMarker()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var path = RealtimePath.Parse("docs/purged");
        var observer = Store();
        await using var snapshots = await observer.WatchAsync(path.Child("snapshot"), new WatchOptions { Events = StoreEventKind.Value }, Ct);
        await using var alice = await CollaborationSession.StartAsync(new()
        {
            Transport = ReplicationTransport.Store(Store(), path, new StoreReplicationOptions { CompactEvery = 4 }),
            Document = { ClientId = "user", TimeProvider = time, TombstoneRetention = TimeSpan.FromSeconds(10) },
        }, Ct);
        var list = alice.Document.GetList<string>("l");
        list.Add("a");
        var b = list.Add("b");
        Assert.True(list.Remove(b));
        time.Advance(TimeSpan.FromSeconds(11));
        list.Add("c"); // the fourth edit waiting: a compaction, whose horizon is past the removal
        Assert.True(await alice.FlushAsync(Ct));

        string? compacted = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(Support.Timeout);
        await foreach (var e in snapshots.WithCancellation(timeout.Token))
        {
            if (e.Snapshot.Node.Kind == DataNodeKind.String && e.Snapshot.Node.GetString().Contains("\"h\":", StringComparison.Ordinal))
            {
                compacted = e.Snapshot.Node.GetString();
                break;
            }
        }

        Assert.StartsWith("{\"v\":2,", compacted, StringComparison.Ordinal);
        Assert.DoesNotContain("\"d:", compacted, StringComparison.Ordinal);
        Assert.DoesNotContain(b, compacted, StringComparison.Ordinal);
        Assert.Equal(["a", "c"], DocumentStateList(compacted!));
    }

    private static List<string> DocumentStateList(string snapshot)
    {
        var document = new CollaborativeDocument();
        document.Merge(DocumentState.ParseSnapshot(snapshot));
        return [.. document.GetList<string>("l")];
    }

    [Fact]
    public async Task SqliteQueue_OfflineEdits_SurviveARestart_AndAreSentOnReconnect()
    {
        var aliceClient = new OfflineChannelClient(Client("alice")) { Online = false };
        await using var bob = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(Client("bob"), "doc") }, Ct);
        string replicaId;
        await using (var offline = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(aliceClient, "doc"), OfflineStore = new SqliteOfflineStore(_file), DisposeSendTimeout = TimeSpan.Zero }, Ct))
        {
            replicaId = offline.Document.ReplicaId;
            var list = offline.Document.GetList<string>("todos");
            list.Add("written offline");
            list.Add("also offline");
            Assert.False(await offline.FlushAsync(Ct));
            Assert.Equal(2, offline.PendingCount);
            Assert.IsType<RealtimeConnectionException>(offline.LastSendError);
        }

        Assert.Empty(bob.Document.GetList<string>("todos"));

        // A new process: same file, the network is back.
        aliceClient.Online = true;
        await using var restarted = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(aliceClient, "doc"), OfflineStore = new SqliteOfflineStore(_file) }, Ct);
        Assert.Equal(replicaId, restarted.Document.ReplicaId);
        Assert.Equal(["written offline", "also offline"], restarted.Document.GetList<string>("todos"));
        Assert.True(await restarted.FlushAsync(Ct));
        Assert.Equal(0, restarted.PendingCount);
        var b = bob.Document.GetList<string>("todos");
        await WaitUntilAsync(b, () => b.Count == 2, "bob receives the edits made offline before the restart");
        Assert.Equal(["written offline", "also offline"], b);
    }

    [Fact]
    public async Task SqliteQueue_AnEditIsDurableWhenItReturns_WithoutFlushOrDispose()
    {
        // Offline, so that nothing is sent (and removed from the queue); the session is never flushed nor disposed before
        // the file is read from another connection, as after a crash.
        var offline = new OfflineChannelClient(Client("alice")) { Online = false };
        var session = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(offline, "doc"), OfflineStore = new SqliteOfflineStore(_file), DisposeSendTimeout = TimeSpan.Zero }, Ct);
        try
        {
            var list = session.Document.GetList<string>("todos");
            var first = list.Add("one");
            var second = list.Add("two");
            await using var reader = new SqliteOfflineStore(_file);
            var kept = await reader.LoadAsync(Ct);
            Assert.Equal([first, second], kept.Pending.Select(static p => p.Id));
            Assert.All(kept.Pending, static p => Assert.Contains("\"o\":\"todos\"", p.Json, StringComparison.Ordinal));
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    [Fact]
    public async Task Edit_WhenTheOfflineStoreCannotWriteIt_ThrowsAndChangesNothing()
    {
        await using var session = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(Client("alice"), "doc"), OfflineStore = new FullDiskOfflineStore() }, Ct);
        var list = session.Document.GetList<string>("todos");
        var ex = Assert.Throws<IOException>(() => list.Add("lost?"));
        Assert.Equal("disk full (test)", ex.Message);
        Assert.Empty(list);
        Assert.Equal(0, session.PendingCount);
    }

    [Fact]
    public async Task SqliteQueue_SentEditsAreRemoved_AndReplicaIdAndStateAreKept()
    {
        await using (var store = new SqliteOfflineStore(_file))
        {
            await store.EnqueueAsync([new("1", "a"), new("2", "b"), new("1", "dup")], Ct);
            await store.RemoveAsync(["1"], Ct);
            await store.SaveAsync("alice#1", "{}", Ct);
        }

        await using var reopened = new SqliteOfflineStore(_file);
        var state = await reopened.LoadAsync(Ct);
        Assert.Equal(("alice#1", "{}"), (state.ReplicaId, state.Snapshot));
        Assert.Equal([new QueuedOperation("2", "b")], state.Pending);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _created.Count - 1; i >= 0; i--)
        {
            await _created[i].DisposeAsync();
        }

        foreach (var f in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(f);
        }
    }

    private sealed class FullDiskOfflineStore : IOfflineStore
    {
        public ValueTask<OfflineState> LoadAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(new OfflineState(null, null, []));

        public ValueTask EnqueueAsync(IReadOnlyList<QueuedOperation> operations, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("disk full (test)"));

        public ValueTask RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask SaveAsync(string replicaId, string? snapshot, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private InMemoryChannelClient Client(string? clientId, InMemoryChannelHub? hub = null)
    {
        var client = new InMemoryChannelClient(hub ?? _hub, new InMemoryChannelClientOptions { ClientId = clientId });
        _created.Add(client);
        return client;
    }

    private InMemoryRealtimeStore Store()
    {
        var store = new InMemoryRealtimeStore(_database);
        _created.Add(store);
        return store;
    }
}
