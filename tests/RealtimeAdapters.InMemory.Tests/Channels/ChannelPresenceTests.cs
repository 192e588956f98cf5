using static RealtimeAdapters.InMemory.Tests.Channels.ChannelTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Channels;

public class ChannelPresenceTests
{
    [Fact]
    public async Task EnterUpdateLeave_SubscriberSeesEachEventWithMemberDetails()
    {
        var (hub, time) = CreateHub();
        await using var watcher = hub.Client("watcher");
        await using var alice = hub.Client("alice");
        await using var events = await watcher.GetChannel("room").Presence.SubscribeAsync(cancellationToken: Ct);
        await using var reader = events.GetAsyncEnumerator(cancellationToken: Ct);
        var presence = alice.GetChannel("room").Presence;

        await presence.EnterAsync("hello", cancellationToken: Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        await presence.UpdateAsync("busy", cancellationToken: Ct);
        await presence.LeaveAsync(cancellationToken: Ct);

        var received = await reader.TakeAsync(3);
        Assert.Equal([PresenceAction.Enter, PresenceAction.Update, PresenceAction.Leave], received.Select(p => p.Action));
        Assert.Equal(["hello", "busy", "busy"], received.Select(p => p.Data.AsString()));
        Assert.All(received, p => Assert.Equal("alice", p.ClientId));
        Assert.All(received, p => Assert.Equal(alice.ConnectionId, p.ConnectionId));
        Assert.All(received, p => Assert.StartsWith(alice.ConnectionId + ":", p.Id, StringComparison.Ordinal));
        Assert.Equal(Start, received[0].Timestamp);
        Assert.Equal(Start.AddSeconds(1), received[1].Timestamp);
    }

    [Fact]
    public async Task EnterAsync_WhenAlreadyPresent_IsAnUpdate_UpdateWhenAbsent_IsAnEnter()
    {
        var (hub, _) = CreateHub();
        await using var alice = hub.Client("alice");
        await using var events = await alice.GetChannel("room").Presence.SubscribeAsync(cancellationToken: Ct);
        await using var reader = events.GetAsyncEnumerator(cancellationToken: Ct);
        var presence = alice.GetChannel("room").Presence;

        await presence.UpdateAsync("first", cancellationToken: Ct);
        await presence.EnterAsync("second", cancellationToken: Ct);

        Assert.Equal([PresenceAction.Enter, PresenceAction.Update], (await reader.TakeAsync(2)).Select(p => p.Action));
    }

    [Fact]
    public async Task LeaveAsync_WithData_EventCarriesIt()
    {
        var (hub, _) = CreateHub();
        await using var alice = hub.Client("alice");
        var presence = alice.GetChannel("room").Presence;
        await presence.EnterAsync("here", cancellationToken: Ct);
        await using var events = await presence.SubscribeAsync(cancellationToken: Ct);
        await using var reader = events.GetAsyncEnumerator(cancellationToken: Ct);

        await presence.LeaveAsync("bye", cancellationToken: Ct);

        var leave = await reader.NextAsync();
        Assert.Equal(PresenceAction.Leave, leave.Action);
        Assert.Equal("bye", leave.Data.AsString());
    }

    [Fact]
    public async Task LeaveAsync_WhenNotPresent_DoesNothing()
    {
        var (hub, _) = CreateHub();
        await using var alice = hub.Client("alice");
        var presence = alice.GetChannel("room").Presence;
        await using var events = await presence.SubscribeAsync(cancellationToken: Ct);
        await using var reader = events.GetAsyncEnumerator(cancellationToken: Ct);

        await presence.LeaveAsync(cancellationToken: Ct);
        await presence.EnterAsync(cancellationToken: Ct);

        Assert.Equal(PresenceAction.Enter, (await reader.NextAsync()).Action);
        Assert.Single((await presence.GetHistoryAsync(cancellationToken: Ct)).Items);
    }

    [Fact]
    public async Task GetAsync_ReturnsMembersAsPresentSortedByClientIdThenConnectionId()
    {
        var (hub, _) = CreateHub();
        await using var zed = hub.Client("zed");
        await using var amy1 = hub.Client("amy");
        await using var amy2 = hub.Client("amy");
        await using var bob = hub.Client("bob");
        await zed.GetChannel("room").Presence.EnterAsync("z", cancellationToken: Ct);
        await amy2.GetChannel("room").Presence.EnterAsync("a2", cancellationToken: Ct);
        await bob.GetChannel("room").Presence.EnterAsync("b", cancellationToken: Ct);
        await amy1.GetChannel("room").Presence.EnterAsync("a1", cancellationToken: Ct);
        await bob.GetChannel("room").Presence.UpdateAsync("b2", cancellationToken: Ct);
        await bob.GetChannel("other").Presence.EnterAsync("elsewhere", cancellationToken: Ct);

        var members = await zed.GetChannel("room").Presence.GetAsync(cancellationToken: Ct);

        Assert.All(members, m => Assert.Equal(PresenceAction.Present, m.Action));
        Assert.Equal(["amy", "amy", "bob", "zed"], members.Select(m => m.ClientId));
        Assert.Equal(
            new[] { amy1.ConnectionId, amy2.ConnectionId }.Order(StringComparer.Ordinal),
            members.Take(2).Select(m => m.ConnectionId));
        Assert.Equal("b2", members[2].Data.AsString());
    }

    [Fact]
    public async Task GetAsync_AfterLeave_MemberGone()
    {
        var (hub, _) = CreateHub();
        await using var alice = hub.Client("alice");
        var presence = alice.GetChannel("room").Presence;
        await presence.EnterAsync(cancellationToken: Ct);

        await presence.LeaveAsync(cancellationToken: Ct);

        Assert.Empty(await presence.GetAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task SubscribeAsync_ActionsFilter_DeliversOnlyThoseActions()
    {
        var (hub, _) = CreateHub();
        await using var alice = hub.Client("alice");
        var presence = alice.GetChannel("room").Presence;
        await using var leaves = await presence.SubscribeAsync(new PresenceSubscriptionOptions { Actions = [PresenceAction.Leave] }, cancellationToken: Ct);
        await using var reader = leaves.GetAsyncEnumerator(cancellationToken: Ct);

        await presence.EnterAsync(cancellationToken: Ct);
        await presence.UpdateAsync("x", cancellationToken: Ct);
        await presence.LeaveAsync(cancellationToken: Ct);

        Assert.Equal(PresenceAction.Leave, (await reader.NextAsync()).Action);
    }

    [Fact]
    public async Task DisposeAsync_ClientWithMembers_EachMemberLeavesWithLeaveEvent()
    {
        var (hub, _) = CreateHub();
        await using var watcher = hub.Client("watcher");
        await using var events = await watcher.GetChannel("room").Presence.SubscribeAsync(cancellationToken: Ct);
        await using var reader = events.GetAsyncEnumerator(cancellationToken: Ct);
        var alice = hub.Client("alice");
        await alice.GetChannel("room").Presence.EnterAsync("data", cancellationToken: Ct);
        await alice.GetChannel("hall").Presence.EnterAsync(cancellationToken: Ct);
        await watcher.GetChannel("room").Presence.EnterAsync(cancellationToken: Ct);

        await alice.DisposeAsync();

        var received = await reader.TakeAsync(3);
        Assert.Equal(PresenceAction.Leave, received[2].Action);
        Assert.Equal("alice", received[2].ClientId);
        Assert.Equal("data", received[2].Data.AsString());
        Assert.Equal(["watcher"], (await watcher.GetChannel("room").Presence.GetAsync(cancellationToken: Ct)).Select(m => m.ClientId));
        Assert.Empty(await watcher.GetChannel("hall").Presence.GetAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task RemoveConnectionPresence_ConnectionLost_MembersLeaveOnlyForThatConnection()
    {
        var (hub, _) = CreateHub();
        await using var watcher = hub.Client("watcher");
        await using var events = await watcher.GetChannel("room").Presence.SubscribeAsync(cancellationToken: Ct);
        await using var reader = events.GetAsyncEnumerator(cancellationToken: Ct);
        hub.ApplyPresence("room", "conn-1", new PresenceMessage { Action = PresenceAction.Enter, ClientId = "a" });
        hub.ApplyPresence("room", "conn-1", new PresenceMessage { Action = PresenceAction.Enter, ClientId = "b" });
        hub.ApplyPresence("room", "conn-2", new PresenceMessage { Action = PresenceAction.Enter, ClientId = "a" });

        var left = hub.RemoveConnectionPresence("conn-1");

        Assert.Equal(2, left);
        var received = await reader.TakeAsync(5);
        Assert.Equal([PresenceAction.Leave, PresenceAction.Leave], received.Skip(3).Select(p => p.Action));
        Assert.All(received.Skip(3), p => Assert.Equal("conn-1", p.ConnectionId));
        var remaining = Assert.Single(hub.GetPresence("room"));
        Assert.Equal("conn-2", remaining.ConnectionId);
        Assert.Equal(0, hub.RemoveConnectionPresence("conn-1"));
    }

    [Fact]
    public async Task EnterAsync_WithoutClientId_Throws91000()
    {
        var (hub, _) = CreateHub();
        await using var anonymous = hub.Client();
        var presence = anonymous.GetChannel("room").Presence;

        var enter = await Assert.ThrowsAsync<RealtimeValidationException>(() => presence.EnterAsync(cancellationToken: Ct).AsTask());
        var update = await Assert.ThrowsAsync<RealtimeValidationException>(() => presence.UpdateAsync(cancellationToken: Ct).AsTask());
        var leave = await Assert.ThrowsAsync<RealtimeValidationException>(() => presence.LeaveAsync(cancellationToken: Ct).AsTask());

        Assert.Equal("91000", enter.ErrorCode);
        Assert.Equal("91000", update.ErrorCode);
        Assert.Equal("91000", leave.ErrorCode);
        Assert.Empty(await presence.GetAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task EnterAsync_DataOverSizeLimit_Throws40009()
    {
        var (hub, _) = CreateHub(o => o.MaxMessageSize = 10);
        await using var client = hub.Client("abc");

        var error = await Assert.ThrowsAsync<MessageTooLargeException>(() => client.GetChannel("room").Presence.EnterAsync("12345678", cancellationToken: Ct).AsTask());

        Assert.Equal("40009", error.ErrorCode);
        Assert.Empty(await client.GetChannel("room").Presence.GetAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task GetHistoryAsync_PresenceEvents_PagedLikeMessages()
    {
        var (hub, time) = CreateHub();
        await using var alice = hub.Client("alice");
        var presence = alice.GetChannel("room").Presence;
        await presence.EnterAsync("1", cancellationToken: Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        await presence.UpdateAsync("2", cancellationToken: Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        await presence.LeaveAsync(cancellationToken: Ct);

        var newest = await presence.GetHistoryAsync(new HistoryQuery { Limit = 2 }, cancellationToken: Ct);
        var rest = await newest.GetNextAsync(cancellationToken: Ct);
        var forwards = await presence.GetHistoryAsync(new HistoryQuery { Direction = HistoryDirection.Forwards, Start = Start.AddSeconds(1) }, cancellationToken: Ct);

        Assert.Equal([PresenceAction.Leave, PresenceAction.Update], newest.Items.Select(p => p.Action));
        Assert.Equal([PresenceAction.Enter], rest.Items.Select(p => p.Action));
        Assert.False(rest.HasNext);
        Assert.Equal([PresenceAction.Update, PresenceAction.Leave], forwards.Items.Select(p => p.Action));
    }
}
