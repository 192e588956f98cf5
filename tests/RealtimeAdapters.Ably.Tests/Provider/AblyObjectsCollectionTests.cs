using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Ably.LiveObjects;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.LiveObjects;
using RealtimeAdapters.Emulator.Ably.LiveObjects;

namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>
/// Object deletion and garbage collection (RTO10, §2.7 of the spec) on the emulator's objects and on a client's replica,
/// both on one fake clock: removed maps are deleted at once, unreachable objects at the next collection, and tombstones
/// are dropped once older than the grace period (24 hours), not before.
/// </summary>
public sealed class AblyObjectsCollectionTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromHours(24);

    /// <summary>Removing a location deletes its map and the maps below it, in an OBJECT frame every subscriber receives.</summary>
    [Fact]
    public void Publish_RemoveSubtree_BroadcastsObjectDeleteForEveryMapBelow()
    {
        var time = new FakeTimeProvider();
        using var hub = new ObjectsHub(time);
        var link = Attach(hub, time);
        link.Write(p => p.Write("p", DataNode.Parse("""{"q":{"r":1},"s":2}""")));
        var before = link.Frames.Count;

        link.Write(p => p.Write("p", DataNode.Null));

        var deleted = link.Frames.Skip(before).SelectMany(f => f.State ?? []).Where(m => m.Operation?.Action == ObjectOperationAction.ObjectDelete).Select(m => m.Operation!.ObjectId).ToList();
        Assert.Equal(2, deleted.Count);
        Assert.All(deleted, id => Assert.StartsWith("map:", id, StringComparison.Ordinal));
        Assert.Equal(0, link.Replica.LiveMapCount);
        Assert.True(link.Replica.Tree.Get(RealtimePath.Root).Node.IsNull);
    }

    /// <summary>
    /// Tombstones stay for the grace period (a late older operation must still lose), then the emulator and the client both
    /// drop the deleted maps; the removed entry stays twice as long, so a re-creation meanwhile gets a fresh map id and one
    /// after it finds no client that remembers the old map.
    /// </summary>
    [Fact]
    public void Tombstones_AfterGracePeriod_CollectedByEmulatorAndClient()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-03T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var hub = new ObjectsHub(time);
        var link = Attach(hub, time);
        link.Write(p => p.Write("p", DataNode.Parse("""{"q":{"r":1}}""")));
        var first = ObjectIds.ForEntry(ObjectIds.Root, "p", null);
        link.Write(p => p.Write("keep/k", 1));
        link.Write(p => p.Write("p", DataNode.Null));

        // Objects: root, keep and the deleted p and q. Tombstones: the entries root.p, p.q and q.r, and the two deleted maps.
        Assert.Equal((4, 5), link.Server.Counts());
        Assert.Equal(5, link.Replica.TombstoneCount);

        time.Advance(Grace - TimeSpan.FromMinutes(1));
        Assert.Equal((4, 5), link.Server.Counts());
        Assert.Equal(5, link.Replica.TombstoneCount);

        time.Advance(ObjectsCollection.Interval + TimeSpan.FromMinutes(1));
        Assert.Equal((2, 1), link.Server.Counts()); // root.p's removal is kept
        Assert.Equal(1, link.Replica.TombstoneCount);
        Assert.Equal(2, link.Replica.ObjectCount);

        time.Advance(Grace);
        Assert.Equal((2, 0), link.Server.Counts());
        Assert.Equal(0, link.Replica.TombstoneCount);
        Assert.Equal("""{"keep":{"k":1}}""", link.Replica.Tree.Get(RealtimePath.Root).Node.ToJsonString());

        // Re-created after every tombstone went: the first id again, which no pool remembers; the service accepts it.
        var (operations, _) = link.Replica.Plan("Ably", p => p.Write("p/x", 1));
        Assert.Equal(first, operations[0].ObjectId);
        link.Write(p => p.Write("p/x", 1));
        Assert.Equal("""{"keep":{"k":1},"p":{"x":1}}""", link.Server.Materialise().ToJsonString());
        Assert.Equal(link.Server.Materialise().ToJsonString(), link.Replica.Tree.Get(RealtimePath.Root).Node.ToJsonString());
    }

    /// <summary>While the removal's tombstone is kept (after the removed map itself is collected), a re-creation gets a fresh id.</summary>
    [Fact]
    public void Recreate_AfterMapCollectedBeforeEntry_UsesAFreshId()
    {
        var time = new FakeTimeProvider();
        using var hub = new ObjectsHub(time);
        var link = Attach(hub, time);
        link.Write(p => p.Write("p/a", 1));
        link.Write(p => p.Write("p", DataNode.Null));
        time.Advance(Grace + ObjectsCollection.Interval);

        var (operations, _) = link.Replica.Plan("Ably", p => p.Write("p/x", 1));
        Assert.NotEqual(ObjectIds.ForEntry(ObjectIds.Root, "p", null), operations[0].ObjectId);
        link.Write(p => p.Write("p/x", 1));
        Assert.Equal("""{"p":{"x":1}}""", link.Replica.Tree.Get(RealtimePath.Root).Node.ToJsonString());
    }

    /// <summary>
    /// An object no entry reaches (created and never linked) is deleted once two collections in a row find it so (a REST
    /// client may link it in a later request), on the emulator and, by its OBJECT_DELETE, on the client.
    /// </summary>
    [Fact]
    public void CollectGarbage_UnreachableObject_DeletedAtSecondCollection()
    {
        var time = new FakeTimeProvider();
        using var hub = new ObjectsHub(time);
        var link = Attach(hub, time);
        var orphan = ObjectIds.Create("map", ObjectIds.EmptyMapInitialValue, "orphan-nonce-0123456", 0);
        link.Publish([new ObjectMessage { Operation = new ObjectOperation { Action = ObjectOperationAction.MapCreate, ObjectId = orphan, MapCreateWithObjectId = new ObjectCreate(ObjectIds.EmptyMapInitialValue, "orphan-nonce-0123456") } }]);
        Assert.Equal((2, 0), link.Server.Counts());

        time.Advance(ObjectsCollection.Interval);
        link.Deliver();
        Assert.Equal((2, 0), link.Server.Counts());

        time.Advance(ObjectsCollection.Interval);
        link.Deliver();
        Assert.Equal((2, 1), link.Server.Counts());
        Assert.Equal(1, link.Replica.TombstoneCount);
        Assert.Contains(link.Frames.SelectMany(f => f.State ?? []), m => m.Operation is { Action: ObjectOperationAction.ObjectDelete } op && op.ObjectId == orphan);
    }

    private static Link Attach(ObjectsHub hub, FakeTimeProvider time)
    {
        var link = new Link(hub.Get("store"), new ObjectsReplica(time, () => Grace));
        link.Server.Attach("conn", () => link.Frames.Add(new ProtocolMessage { Action = ProtocolAction.Attached, Channel = "store", Flags = ProtocolFlags.ObjectSubscribe | ProtocolFlags.ObjectPublish | ProtocolFlags.HasObjects }), link.Frames.Add);
        link.Deliver();
        Assert.True(link.Replica.Synced.IsCompletedSuccessfully);
        return link;
    }

    /// <summary>One client's objects attachment on the emulator's channel, its frames handed to the replica on <see cref="Deliver"/>.</summary>
    private sealed class Link(ChannelObjects server, ObjectsReplica replica)
    {
        private int _delivered;

        public ChannelObjects Server => server;

        public ObjectsReplica Replica => replica;

        public List<ProtocolMessage> Frames { get; } = [];

        /// <summary>Plans a write on the replica, publishes it and delivers what the emulator sent.</summary>
        public void Write(Action<WritePlanner> plan)
        {
            var (operations, _) = replica.Plan("Ably", plan);
            Publish([.. operations.Select(o => new ObjectMessage { Operation = o })]);
        }

        public void Publish(ObjectMessage[] messages)
        {
            server.Publish(messages, "other", null, 0, 65536);
            Deliver();
        }

        public void Deliver()
        {
            for (; _delivered < Frames.Count; _delivered++)
            {
                replica.Handle(Frames[_delivered]);
            }
        }
    }
}
