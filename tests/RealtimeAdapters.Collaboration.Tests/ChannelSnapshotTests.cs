using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Collaboration;
using RealtimeAdapters.InMemory;
using static RealtimeAdapters.Collaboration.Tests.Support;

namespace RealtimeAdapters.Collaboration.Tests;

/// <summary>Snapshots over a channel: published in parts when large, trusted only from the listed publishers, and exact about the edits they cover.</summary>
public sealed class ChannelSnapshotTests : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _created = [];

    [Fact]
    public async Task LargeState_IsPublishedInParts_AndALateJoinerAssemblesIt()
    {
        // History keeps 40 messages: the 1,000 edits are gone from it, only the snapshot's parts still carry them.
        var hub = new InMemoryChannelHub(new InMemoryChannelOptions { MaxHistoryPerChannel = 40 });
        var options = new ChannelReplicationOptions { SnapshotEvery = 1000, MaxBatchMessages = 50 };
        var item = new string('x', 1000);
        await using (var alice = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(Client("alice", hub), "doc", options) }, Ct))
        {
            var list = alice.Document.GetList<string>("l");
            for (var i = 0; i < 1000; i++)
            {
                list.Add(item + i);
            }

            Assert.True(await alice.FlushAsync(Ct));
            Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(alice.Document.ExportSnapshot()), 1_000_000, 2_000_000);
        }

        var history = await Client(null, hub).GetChannel("doc").GetHistoryAsync(cancellationToken: Ct);
        var parts = history.Items.Where(static m => m.Name == ChannelTransport.SnapshotPartEvent).ToList();
        Assert.InRange(parts.Count, 17, 40);
        Assert.All(parts, static m => Assert.InRange(m.GetSize(), 1, InMemoryChannelOptions.DefaultMaxMessageSize));
        Assert.DoesNotContain(history.Items, static m => m.Name == ChannelTransport.SnapshotEvent);

        await using var carol = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(Client("carol", hub), "doc", options) }, Ct);
        var joined = carol.Document.GetList<string>("l");
        Assert.Equal(1000, joined.Count);
        Assert.Equal(item + 999, joined[999]);
        Assert.Equal(0, carol.RejectedCount);
    }

    [Fact]
    public async Task SnapshotParts_ArriveLive_AndAreAssembledPerSender()
    {
        var hub = new InMemoryChannelHub();
        await using var bob = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(Client("bob", hub), "doc") }, Ct);
        var source = new CollaborativeDocument(new CollaborativeDocumentOptions { ClientId = "alice", ReplicaId = "alice#1" });
        var list = source.GetList<string>("l");
        for (var i = 0; i < 100; i++)
        {
            list.Add(new string('y', 2000) + i);
        }

        var messages = ChannelTransport.SnapshotMessages(source.ExportSnapshot(), 60_000);
        Assert.True(messages.Count > 1);
        var alice = Client("alice", hub).GetChannel("doc");
        // A part of the same snapshot id from another sender does not complete (or corrupt) alice's snapshot.
        await Client("mallory", hub).GetChannel("doc").PublishAsync([messages[0] with { Data = messages[0].Data.AsString()[..30] + "broken" }], Ct);
        foreach (var message in messages)
        {
            await alice.PublishAsync([message], Ct);
        }

        var received = bob.Document.GetList<string>("l");
        await WaitUntilAsync(received, () => received.Count == 100, "bob assembled alice's snapshot");
        Assert.Equal(list.Items, received.Items);
    }

    [Fact]
    public async Task ForgedSnapshot_FromASenderNotListedAsPublisher_IsRejected_LiveAndOnCatchUp()
    {
        var hub = new InMemoryChannelHub();
        var options = new ChannelReplicationOptions { SnapshotPublishers = ["server"] };
        await using var alice = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(Client("alice", hub), "doc", options) }, Ct);
        var errors = new List<Exception>();
        var rejected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.ErrorOccurred += (_, e) => { errors.Add(e.Error); rejected.TrySetResult(); };
        alice.Document.GetList<string>("l").Add("milk");
        Assert.True(await alice.FlushAsync(Ct));

        // Mallory claims a state where alice wrote "evil": a snapshot alice never made.
        var forger = new CollaborativeDocument(new CollaborativeDocumentOptions { ClientId = "alice", ReplicaId = "alice#forged" });
        forger.GetList<string>("l").Add("evil");
        await Client("mallory", hub).GetChannel("doc").PublishAsync(ChannelTransport.SnapshotEvent, forger.ExportSnapshot(), Ct);
        await rejected.Task.WaitAsync(Support.Timeout, Ct);
        var ex = Assert.IsType<OperationRejectedException>(Assert.Single(errors));
        Assert.Equal(RejectionReason.Forged, ex.Reason);
        Assert.Contains("\"mallory\"", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["milk"], alice.Document.GetList<string>("l"));

        await using var carol = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(Client("carol", hub), "doc", options) }, Ct);
        Assert.Equal(["milk"], carol.Document.GetList<string>("l"));
        Assert.Equal(1, carol.RejectedCount);

        // The listed publisher's snapshot is taken.
        await using var server = await CollaborationSession.StartAsync(new() { Transport = ReplicationTransport.Channel(Client("server", hub), "doc", options) }, Ct);
        await Client("server", hub).GetChannel("doc").PublishAsync(ChannelTransport.SnapshotEvent, forger.ExportSnapshot(), Ct);
        var l = alice.Document.GetList<string>("l");
        await WaitUntilAsync(l, () => l.Count == 2, "alice took the server's snapshot");
    }

    [Fact]
    public async Task LateJoiner_ReadsBackToTheLastEditTheSnapshotCovers_HoweverLongAnEditWasInFlight()
    {
        // Channel order: alice's edit, bob's edit (not yet received by alice), then alice's snapshot, taken before bob's
        // edit reached her, published a minute later. With no time overlap at all, the late joiner still gets bob's edit.
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var hub = new InMemoryChannelHub(new InMemoryChannelOptions { TimeProvider = time, HistoryRetention = TimeSpan.FromDays(1) });
        var a = new CollaborativeDocument(new CollaborativeDocumentOptions { ClientId = "alice", ReplicaId = "alice#1", TimeProvider = time });
        var b = new CollaborativeDocument(new CollaborativeDocumentOptions { ClientId = "bob", ReplicaId = "bob#1", TimeProvider = time });
        var ops = new List<CrdtOperation>();
        a.OperationSink = ops.Add;
        b.OperationSink = ops.Add;
        a.GetList<string>("l").Add("alice's");
        time.Advance(TimeSpan.FromSeconds(1));
        b.GetList<string>("l").Add("bob's");
        await Publish("alice", ops[0]);
        await Publish("bob", ops[1]);
        time.Advance(TimeSpan.FromMinutes(1));
        var snapshot = ChannelTransport.WithCoverage(a.ExportSnapshot(), ChannelTransport.MessageId(ops[0]));
        Assert.Equal(ChannelTransport.MessageId(ops[0]), ChannelTransport.CoverageOf(snapshot));
        await Client("alice", hub).GetChannel("doc").PublishAsync(ChannelTransport.SnapshotEvent, snapshot, Ct);

        var options = new ChannelReplicationOptions { SnapshotOverlap = TimeSpan.Zero };
        await using var carol = await CollaborationSession.StartAsync(
            new() { Transport = ReplicationTransport.Channel(Client("carol", hub), "doc", options), Document = { TimeProvider = time } }, Ct);
        Assert.Equal(["alice's", "bob's"], carol.Document.GetList<string>("l").Order(StringComparer.Ordinal));

        async Task Publish(string sender, CrdtOperation op) =>
            await Client(sender, hub).GetChannel("doc").PublishAsync([new ChannelMessage(ChannelTransport.OperationEvent, op.ToJson()) { Id = ChannelTransport.MessageId(op) }], Ct);
    }

    [Fact]
    public async Task TombstoneRetention_SnapshotsPublishedPastTheHorizon_CarryNoRemovalMarker_AndALateJoinerAgrees()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var hub = new InMemoryChannelHub();
        var options = new ChannelReplicationOptions { SnapshotEvery = 4 };
        CollaborationSessionOptions Session(string client) => new()
        {
            Transport = ReplicationTransport.Channel(Client(client, hub), "doc", options),
            Document = { TimeProvider = time, TombstoneRetention = TimeSpan.FromSeconds(10) },
        };

        await using var alice = await CollaborationSession.StartAsync(Session("alice"), Ct);
        var list = alice.Document.GetList<string>("l");
        var a = list.Add("a");
        var b = list.Add("b");
        list.Add("c");
        list.Remove(b);
        Assert.True(await alice.FlushAsync(Ct)); // the first snapshot: the removal is newer than its horizon and is kept
        time.Advance(TimeSpan.FromSeconds(11));
        for (var i = 0; i < 4; i++)
        {
            list.Update(a, "a" + i);
        }

        Assert.True(await alice.FlushAsync(Ct)); // the second: past the removal's horizon, which is purged
        var history = await Client(null, hub).GetChannel("doc").GetHistoryAsync(cancellationToken: Ct);
        var snapshots = history.Items.Where(static m => m.Name == ChannelTransport.SnapshotEvent).Select(static m => m.Data.AsString()).ToList();
        Assert.Equal(2, snapshots.Count);
        Assert.Contains("\"d:" + b, snapshots[1], StringComparison.Ordinal); // history is newest first
        Assert.DoesNotContain("\"d:", snapshots[0], StringComparison.Ordinal);
        Assert.Contains("\"v\":2,\"h\":", snapshots[0], StringComparison.Ordinal);

        await using var carol = await CollaborationSession.StartAsync(Session("carol"), Ct);
        Assert.Equal(["a3", "c"], carol.Document.GetList<string>("l"));
        Assert.Equal(alice.Document.ExportSnapshot(), carol.Document.ExportSnapshot());
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _created.Count - 1; i >= 0; i--)
        {
            await _created[i].DisposeAsync();
        }
    }

    private InMemoryChannelClient Client(string? clientId, InMemoryChannelHub hub)
    {
        var client = new InMemoryChannelClient(hub, new InMemoryChannelClientOptions { ClientId = clientId });
        _created.Add(client);
        return client;
    }
}
