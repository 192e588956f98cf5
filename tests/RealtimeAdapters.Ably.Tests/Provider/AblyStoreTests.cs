using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Ably.LiveObjects;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.LiveObjects;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Emulator.Ably.LiveObjects;
using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>The LiveObjects store beyond the conformance suites: concurrent parent creation (risk R1), batches, limits, and the emulator's checks.</summary>
public sealed class AblyStoreTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Two clients that both see /a missing each plan the map for /a; the service applies both writes. With ids derived
    /// from the location they create the same map, and both entries survive (with random ids the later link would win).
    /// </summary>
    [Fact]
    public void Plan_TwoClientsCreateSameMissingParent_BothEntriesSurvive()
    {
        var server = new ChannelObjects("store", new FakeTimeProvider());
        var first = Plan(new ObjectPool(), p => p.Write("a/b", 1));
        var second = Plan(new ObjectPool(), p => p.Write("a/c", 2));
        server.Publish(Messages(first), "conn-1", null, 0, 65536);
        server.Publish(Messages(second), "conn-2", null, 0, 65536);
        Assert.Equal("""{"a":{"b":1,"c":2}}""", server.Materialise().ToJsonString());
        Assert.Equal(ObjectIds.ForEntry(ObjectIds.Root, "a", null), first[0].ObjectId);
        Assert.Equal(first[0].ObjectId, second[0].ObjectId);
    }

    /// <summary>The same race end to end: two stores write below one missing parent at once; both values are kept and both stores converge.</summary>
    [Fact]
    public async Task SetAsync_TwoStoresBelowMissingParentAtOnce_KeepBoth()
    {
        await using var emulator = await StartAsync();
        await using var one = Store(emulator);
        await using var two = Store(emulator);
        await one.GetAsync("a", Ct);
        await two.GetAsync("a", Ct);

        // Both plan against a replica in which /a is missing: the plan is made before the first await.
        var writes = new[] { one.SetAsync("a/b", 1, Ct).AsTask(), two.SetAsync("a/c", 2, Ct).AsTask() };
        await Task.WhenAll(writes).WaitAsync(Wait, Ct);

        Assert.Equal("""{"b":1,"c":2}""", (await one.GetAsync("a", Ct)).Node.ToJsonString());
        Assert.Equal("""{"b":1,"c":2}""", (await two.GetAsync("a", Ct)).Node.ToJsonString());
    }

    /// <summary>A multi-path update from another store reaches a watch as one change (one value event after its child events).</summary>
    [Fact]
    public async Task UpdateAsync_SeenByOtherStoresWatch_AsOneChange()
    {
        await using var emulator = await StartAsync();
        await using var writer = Store(emulator);
        await using var reader = Store(emulator);
        await using var watch = new SubscriptionReader<StoreEvent>(await reader.WatchAsync("list", cancellationToken: Ct), Wait, Ct);
        await watch.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the initial value");

        await writer.UpdateAsync("list", new Dictionary<string, DataNode> { ["x"] = 1, ["y/z"] = "deep", ["w"] = true }, Ct);

        var change = await watch.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the update's value");
        Assert.Equal(4, change.Count);
        Assert.Equal("""{"w":true,"x":1,"y":{"z":"deep"}}""", change[^1].Snapshot.ToJsonString());
    }

    /// <summary>With Ably's default 64 KiB limit a larger write is refused before it is sent (40009) and nothing is written.</summary>
    [Fact]
    public async Task SetAsync_OverDefaultMessageSize_RefusedWith40009()
    {
        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } }, Ct);
        await using var store = Store(emulator);
        var error = await Assert.ThrowsAsync<MessageTooLargeException>(() => store.SetAsync("big", new string('x', 70_000), Ct).AsTask());
        Assert.Equal("40009", error.ErrorCode);
        Assert.False((await store.GetAsync("big", Ct)).Exists);
    }

    /// <summary>What LiveObjects cannot do is refused naming the capability, and nothing is written.</summary>
    [Fact]
    public async Task Unsupported_Operations_ThrowNamingTheCapability()
    {
        await using var emulator = await StartAsync();
        await using var store = Store(emulator);
        Assert.Equal(RealtimeCapabilities.Priorities, (await Assert.ThrowsAsync<RealtimeNotSupportedException>(() => store.SetAsync("p", DataNode.FromNumber(1).WithPriority(2), Ct).AsTask())).Capability);
        Assert.Equal(RealtimeCapabilities.ServerValues, (await Assert.ThrowsAsync<RealtimeNotSupportedException>(() => store.SetAsync("t", ServerValue.Timestamp, Ct).AsTask())).Capability);
        Assert.Equal(RealtimeCapabilities.Priorities, (await Assert.ThrowsAsync<RealtimeNotSupportedException>(() => store.SetPriorityAsync("p", 1, Ct).AsTask())).Capability);
        Assert.Equal(RealtimeCapabilities.OnDisconnect, (await Assert.ThrowsAsync<RealtimeNotSupportedException>(() => store.OnDisconnectAsync("p", OnDisconnectOperation.Remove(), Ct).AsTask())).Capability);
        Assert.False((await store.GetAsync(RealtimePath.Root, Ct)).Exists);
    }

    /// <summary>The emulator refuses bad operations with LiveObjects' codes and applies nothing of the frame that carried them.</summary>
    [Fact]
    public void Publish_BadOperations_RefusedAndNothingApplied()
    {
        var server = new ChannelObjects("store", new FakeTimeProvider());
        var good = new ObjectOperation { Action = ObjectOperationAction.MapSet, ObjectId = ObjectIds.Root, MapSetKey = "k", MapSetValue = new ObjectData { String = "v" } };
        AssertCode(AblyErrorCodes.InvalidObject, server, good, new ObjectOperation { Action = (ObjectOperationAction)42, ObjectId = ObjectIds.Root });
        AssertCode(AblyErrorCodes.InvalidObject, server, good, good with { ObjectId = "map:nothere@1" });
        AssertCode(AblyErrorCodes.InvalidObject, server, good, good with { ObjectId = "not an id" });
        AssertCode(AblyErrorCodes.InvalidObject, server, good, good with { MapSetValue = new ObjectData { ObjectId = "map:nothere@1" } });
        AssertCode(AblyErrorCodes.InvalidObject, server, good, good with { MapSetValue = new ObjectData { String = "a", Number = 1 } });
        AssertCode(AblyErrorCodes.InvalidObject, server, good, new ObjectOperation { Action = ObjectOperationAction.CounterInc, ObjectId = ObjectIds.Root, CounterIncNumber = 1 });
        AssertCode(AblyErrorCodes.InvalidObject, server, good, new ObjectOperation
        {
            Action = ObjectOperationAction.MapCreate,
            ObjectId = ObjectIds.ForEntry(ObjectIds.Root, "a", null),
            MapCreateWithObjectId = new ObjectCreate(ObjectIds.EmptyMapInitialValue, "another-nonce-123"),
        });
        AssertCode(AblyErrorCodes.MessageTooLarge, server, good, good with { MapSetValue = new ObjectData { String = new string('x', 70_000) } });
        Assert.True(server.Materialise().IsNull);

        // An object may not outgrow the limit either (92001), even in small steps.
        server.Publish(Messages([good with { MapSetValue = new ObjectData { String = new string('x', 40_000) } }]), "c", null, 0, 65536);
        AssertCode(AblyErrorCodes.ObjectsLimitExceeded, server, good with { MapSetKey = "k2" }, good with { MapSetKey = "k3", MapSetValue = new ObjectData { String = new string('y', 40_000) } });
        Assert.Equal(["k"], server.Materialise().Children.Keys);
    }

    private static void AssertCode(int code, ChannelObjects server, params ObjectOperation[] operations)
    {
        var error = Assert.ThrowsAny<AblyProtocolException>(() => server.Publish(Messages(operations), "c", null, 0, 65536));
        Assert.Equal(code, error.Error.Code);
    }

    private static List<ObjectOperation> Plan(ObjectPool pool, Action<WritePlanner> plan)
    {
        var planner = new WritePlanner(pool, "Ably");
        plan(planner);
        return [.. planner.Operations];
    }

    private static ObjectMessage[] Messages(IEnumerable<ObjectOperation> operations) => [.. operations.Select(o => new ObjectMessage { Operation = o })];

    private static Task<RealtimeEmulator> StartAsync() =>
        RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } }, Ct);

    private static AblyRealtimeStore Store(RealtimeEmulator emulator) => new(new AblyChannelClientOptions { Endpoint = emulator.AblyUrl, Key = emulator.AblyKeys[0] });
}
