using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>
/// Presence: enter, update and leave events with client id, connection id, data and timestamp; the member list; members
/// leaving when their client is disposed; one member per client id and connection; 91000 without a client id.
/// </summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.Presence)]
public abstract class PresenceConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>Claimed: the metadata says so and a member can enter. Not claimed: entering is refused with <see cref="RealtimeNotSupportedException"/>.</summary>
    [Fact]
    public async Task Capability_Presence_WorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsChannels(RealtimeCapabilities.Presence))
        {
            var backend = await NewBackendAsync();
            var client = await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct);
            Assert.True(client.Metadata.Supports(RealtimeCapabilities.Presence));
            await client.GetChannel("room").Presence.EnterAsync(cancellationToken: Ct);
            Assert.Equal("alice", Assert.Single(await client.GetChannel("room").Presence.GetAsync(Ct)).ClientId);
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.Presence, async backend =>
            {
                var client = await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct);
                await client.GetChannel("room").Presence.EnterAsync(cancellationToken: Ct);
            });
            await AssertNotSupportedAsync(RealtimeCapabilities.Presence, async backend =>
            {
                var client = await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct);
                await client.GetChannel("room").Presence.GetAsync(Ct);
            });
        }
    }

    /// <summary>Another client's subscription sees an enter with the member's client id, connection id, data and timestamp.</summary>
    [Fact]
    public async Task EnterAsync_Observer_ReceivesEnter()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        var observer = await ObserveAsync(backend, "room");
        var alice = await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct);
        var before = backend.TimeProvider.GetUtcNow();
        await alice.GetChannel("room").Presence.EnterAsync("hello", Ct);
        var after = backend.TimeProvider.GetUtcNow();
        var enter = await observer.NextAsync("alice's enter");
        Assert.Equal(PresenceAction.Enter, enter.Action);
        Assert.Equal("alice", enter.ClientId);
        Assert.Equal("hello", enter.Data.AsString());
        Assert.False(string.IsNullOrEmpty(enter.ConnectionId));
        Assert.NotNull(enter.Timestamp);
        AssertTimestampBetween(before, after, enter.Timestamp.Value.ToUnixTimeMilliseconds());
    }

    /// <summary>Releasing a channel makes this client's member leave it: observers receive the LEAVE and it is no longer listed.</summary>
    [Fact]
    public async Task ReleaseChannelAsync_Member_Leaves()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        var observer = await ObserveAsync(backend, "release-room");
        var alice = await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct);
        await alice.GetChannel("release-room").Presence.EnterAsync("hi", Ct);
        Assert.Equal(PresenceAction.Enter, (await observer.NextAsync("alice's enter")).Action);

        await alice.ReleaseChannelAsync("release-room", Ct);

        var leave = await observer.NextAsync("alice's leave");
        Assert.Equal((PresenceAction.Leave, "alice"), (leave.Action, leave.ClientId));
        var watcher = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        Assert.Empty(await watcher.GetChannel("release-room").Presence.GetAsync(Ct));
    }

    /// <summary>After an enter the member list holds the member, as present, with its data.</summary>
    [Fact]
    public async Task GetAsync_AfterEnter_ListsMemberAsPresent()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        var observerClient = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var observer = Read(await observerClient.GetChannel("room").Presence.SubscribeAsync(cancellationToken: Ct));
        var alice = await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct);
        await alice.GetChannel("room").Presence.EnterAsync("data", Ct);
        var enter = await observer.NextAsync("alice's enter");
        var member = Assert.Single(await observerClient.GetChannel("room").Presence.GetAsync(Ct));
        Assert.Equal(PresenceAction.Present, member.Action);
        Assert.Equal("alice", member.ClientId);
        Assert.Equal("data", member.Data.AsString());
        Assert.Equal(enter.ConnectionId, member.ConnectionId);
        Assert.Equal(enter.MemberKey, member.MemberKey);
    }

    /// <summary>An update is seen as an update, and the member list shows the new data.</summary>
    [Fact]
    public async Task UpdateAsync_Observer_ReceivesUpdateAndListShowsNewData()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        var observer = await ObserveAsync(backend, "room");
        var alice = (await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct)).GetChannel("room");
        await alice.Presence.EnterAsync("v1", Ct);
        await alice.Presence.UpdateAsync("v2", Ct);
        var events = await observer.NextAsync(2, "enter and update");
        Assert.Equal([PresenceAction.Enter, PresenceAction.Update], events.Select(static e => e.Action));
        Assert.Equal("v2", events[1].Data.AsString());
        Assert.Equal("v2", Assert.Single(await alice.Presence.GetAsync(Ct)).Data.AsString());
    }

    /// <summary>A leave is seen as a leave and empties the member list.</summary>
    [Fact]
    public async Task LeaveAsync_Observer_ReceivesLeaveAndListIsEmpty()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        var observer = await ObserveAsync(backend, "room");
        var alice = (await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct)).GetChannel("room");
        await alice.Presence.EnterAsync("here", Ct);
        await alice.Presence.LeaveAsync("bye", Ct);
        var events = await observer.NextAsync(2, "enter and leave");
        Assert.Equal([PresenceAction.Enter, PresenceAction.Leave], events.Select(static e => e.Action));
        Assert.Equal("alice", events[1].ClientId);
        Assert.Empty(await alice.Presence.GetAsync(Ct));
    }

    /// <summary>Leaving when not present does nothing.</summary>
    [Fact]
    public async Task LeaveAsync_NotPresent_DoesNothing()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        var observer = await ObserveAsync(backend, "room");
        var alice = (await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct)).GetChannel("room");
        await alice.Presence.LeaveAsync(cancellationToken: Ct);
        await alice.Presence.EnterAsync("sentinel", Ct);
        var next = await observer.NextAsync("the sentinel enter");
        Assert.Equal(PresenceAction.Enter, next.Action);
    }

    /// <summary>Updating when not present enters.</summary>
    [Fact]
    public async Task UpdateAsync_NotPresent_Enters()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        var observer = await ObserveAsync(backend, "room");
        var alice = (await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct)).GetChannel("room");
        await alice.Presence.UpdateAsync("straight in", Ct);
        var e = await observer.NextAsync("alice's first presence event");
        Assert.Equal("alice", e.ClientId);
        Assert.Equal("straight in", e.Data.AsString());
        var member = Assert.Single(await alice.Presence.GetAsync(Ct));
        Assert.Equal("straight in", member.Data.AsString());
    }

    /// <summary>Entering without a client id is refused with <see cref="RealtimeValidationException"/> (91000).</summary>
    [Fact]
    public async Task EnterAsync_NoClientId_IsRefused91000()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        var anonymous = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        Assert.Null(anonymous.ClientId);
        var ex = await Assert.ThrowsAnyAsync<RealtimeValidationException>(() => anonymous.GetChannel("room").Presence.EnterAsync("x", Ct).AsTask());
        Assert.Equal("91000", ex.ErrorCode);
        Assert.Empty(await anonymous.GetChannel("room").Presence.GetAsync(Ct));
    }

    /// <summary>Disposing a client makes its members leave: observers see the leave and the list no longer holds them.</summary>
    [Fact]
    public async Task DisposeAsync_Client_MembersLeave()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        var observerClient = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var observer = Read(await observerClient.GetChannel("room").Presence.SubscribeAsync(cancellationToken: Ct));
        var bob = await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("bob"), Ct);
        await bob.GetChannel("room").Presence.EnterAsync("here", Ct);
        Assert.Equal(PresenceAction.Enter, (await observer.NextAsync("bob's enter")).Action);
        await bob.DisposeAsync();
        var leave = await observer.NextAsync("bob's leave after his client was disposed");
        Assert.Equal(PresenceAction.Leave, leave.Action);
        Assert.Equal("bob", leave.ClientId);
        Assert.Empty(await observerClient.GetChannel("room").Presence.GetAsync(Ct));
    }

    /// <summary>The same client id on two connections makes two members; one leaving keeps the other.</summary>
    [Fact]
    public async Task EnterAsync_SameClientIdOnTwoConnections_AreTwoMembers()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        var observer = await ObserveAsync(backend, "room");
        var first = (await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("sam"), Ct)).GetChannel("room");
        var second = (await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("sam"), Ct)).GetChannel("room");
        await first.Presence.EnterAsync("phone", Ct);
        await second.Presence.EnterAsync("laptop", Ct);
        await observer.NextAsync(2, "both enters");
        var members = await first.Presence.GetAsync(Ct);
        Assert.Equal(2, members.Count);
        Assert.All(members, static m => Assert.Equal("sam", m.ClientId));
        Assert.NotEqual(members[0].ConnectionId, members[1].ConnectionId);
        Assert.Equal(["laptop", "phone"], members.Select(static m => m.Data.AsString()).Order(StringComparer.Ordinal));
        await first.Presence.LeaveAsync(cancellationToken: Ct);
        Assert.Equal(PresenceAction.Leave, (await observer.NextAsync("the first connection's leave")).Action);
        Assert.Equal("laptop", Assert.Single(await second.Presence.GetAsync(Ct)).Data.AsString());
    }

    /// <summary>Several members on one channel are all listed.</summary>
    [Fact]
    public async Task GetAsync_SeveralMembers_ListsAll()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        var observer = await ObserveAsync(backend, "room");
        string[] ids = ["ann", "ben", "cat"];
        foreach (var id in ids)
        {
            await (await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId(id), Ct)).GetChannel("room").Presence.EnterAsync(id, Ct);
        }

        await observer.NextAsync(ids.Length, "every enter");
        var members = await (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("room").Presence.GetAsync(Ct);
        Assert.Equal(ids, members.Select(static m => m.ClientId).Order(StringComparer.Ordinal));
        Assert.All(members, static m => Assert.Equal(PresenceAction.Present, m.Action));
    }

    /// <summary>A subscription filtered by action delivers only those actions.</summary>
    [Fact]
    public async Task SubscribeAsync_ActionFilter_DeliversOnlyMatching()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        var observer = Read(await (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("room").Presence
            .SubscribeAsync(new PresenceSubscriptionOptions { Actions = [PresenceAction.Leave] }, Ct));
        var alice = (await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct)).GetChannel("room");
        await alice.Presence.EnterAsync("a", Ct);
        await alice.Presence.UpdateAsync("b", Ct);
        await alice.Presence.LeaveAsync("c", Ct);
        Assert.Equal(PresenceAction.Leave, (await observer.NextAsync("the leave")).Action);
    }

    /// <summary>Presence is per channel: entering one channel does not show on another.</summary>
    [Fact]
    public async Task Presence_IsPerChannel()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        var observer = await ObserveAsync(backend, "b");
        var alice = await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct);
        await alice.GetChannel("a").Presence.EnterAsync("in a", Ct);
        await alice.GetChannel("b").Presence.EnterAsync("in b", Ct);
        Assert.Equal("in b", (await observer.NextAsync("the enter on b")).Data.AsString());
        Assert.Equal("in a", Assert.Single(await alice.GetChannel("a").Presence.GetAsync(Ct)).Data.AsString());
    }

    /// <summary>An empty channel has no members.</summary>
    [Fact]
    public async Task GetAsync_EmptyChannel_IsEmpty()
    {
        RequireChannels(RealtimeCapabilities.Presence);
        var backend = await NewBackendAsync();
        Assert.Empty(await (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("empty").Presence.GetAsync(Ct));
    }

    /// <summary>Presence history holds enter, update and leave, newest first.</summary>
    [Fact]
    public async Task GetHistoryAsync_Presence_NewestFirst()
    {
        RequireChannels(RealtimeCapabilities.Presence | RealtimeCapabilities.History);
        var backend = await NewBackendAsync();
        var alice = (await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct)).GetChannel("room");
        await alice.Presence.EnterAsync("1", Ct);
        await alice.Presence.UpdateAsync("2", Ct);
        await alice.Presence.LeaveAsync("3", Ct);
        var page = await alice.Presence.GetHistoryAsync(cancellationToken: Ct);
        Assert.Equal([PresenceAction.Leave, PresenceAction.Update, PresenceAction.Enter], page.Items.Select(static m => m.Action));
        Assert.All(page.Items, static m => Assert.Equal("alice", m.ClientId));
        var forwards = await alice.Presence.GetHistoryAsync(new HistoryQuery { Direction = HistoryDirection.Forwards, Limit = 2 }, Ct);
        Assert.Equal([PresenceAction.Enter, PresenceAction.Update], forwards.Items.Select(static m => m.Action));
        Assert.True(forwards.HasNext);
    }

    private async Task<SubscriptionReader<PresenceMessage>> ObserveAsync(RealtimeTestBackend backend, string channel)
    {
        var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        return Read(await client.GetChannel(channel).Presence.SubscribeAsync(cancellationToken: Ct));
    }
}
