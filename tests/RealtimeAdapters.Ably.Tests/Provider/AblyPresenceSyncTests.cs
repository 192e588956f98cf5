namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>What a presence subscriber sees of the members a SYNC brings (RTP2d1).</summary>
public sealed class AblyPresenceSyncTests : AblyEmulatorTest
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Subscribe_MembersAlreadyPresent_DeliveredAsPresentFromTheSync_ThenLiveEvents(bool binary)
    {
        await using var bob = new AblyChannelClient(ClientOptions(clientId: "bob"));
        await bob.GetChannel("room").Presence.EnterAsync("here", Ct);
        await using var alice = new AblyChannelClient(ClientOptions(clientId: "alice", binary: binary));
        await using var carol = new AblyChannelClient(ClientOptions(clientId: "carol"));

        await using var events = await alice.GetChannel("room").Presence.SubscribeAsync(cancellationToken: Ct);
        await using var reader = events.GetAsyncEnumerator(Ct);
        Assert.Single(await alice.GetChannel("room").Presence.GetAsync(Ct));
        await carol.GetChannel("room").Presence.EnterAsync(cancellationToken: Ct);

        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
        Assert.Equal((PresenceAction.Present, "bob", "here"), (reader.Current.Action, reader.Current.ClientId, reader.Current.Data.AsString()));
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
        Assert.Equal((PresenceAction.Enter, "carol"), (reader.Current.Action, reader.Current.ClientId));
    }

    [Fact]
    public async Task Resync_AfterATransportChange_DoesNotAnnounceKnownMembersAgain()
    {
        await using var bob = new AblyChannelClient(ClientOptions(clientId: "bob"));
        await bob.GetChannel("room").Presence.EnterAsync(cancellationToken: Ct);
        await using var alice = new AblyChannelClient(ClientOptions(clientId: "alice"));
        await using var carol = new AblyChannelClient(ClientOptions(clientId: "carol"));
        await using var events = await alice.GetChannel("room").Presence.SubscribeAsync(new PresenceSubscriptionOptions { Actions = [PresenceAction.Present, PresenceAction.Enter] }, Ct);
        await using var reader = events.GetAsyncEnumerator(Ct);
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
        Assert.Equal((PresenceAction.Present, "bob"), (reader.Current.Action, reader.Current.ClientId));

        await using var states = alice.Connection.WatchState().GetAsyncEnumerator(Ct);
        Assert.True(await Emulator.AblyFaults.DropTransportAsync(alice.ConnectionId!));
        await states.NextAsync(ConnectionState.Disconnected);
        await states.NextAsync(ConnectionState.Connected);
        Assert.Single(await alice.GetChannel("room").Presence.GetAsync(Ct));
        await carol.GetChannel("room").Presence.EnterAsync(cancellationToken: Ct);

        // The sentinel: carol's ENTER comes next, with no PRESENT for bob in between.
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
        Assert.Equal((PresenceAction.Enter, "carol"), (reader.Current.Action, reader.Current.ClientId));
    }
}
