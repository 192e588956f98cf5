using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Realtime;
using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>
/// The provider's member set under frames a server may send in any order (RTP2, RTP18, RTP19). The channel is attached
/// to the emulator; the frames under test are handed to the channel as its receive loop would, since the emulator itself
/// never reorders them.
/// </summary>
public sealed class AblyPresenceMapTests : AblyEmulatorTest
{
    private static WirePresenceMessage Member(PresenceAction action, string clientId, string connectionId, long serial, long timestamp, string? data = null) => new()
    {
        Action = action,
        ClientId = clientId,
        ConnectionId = connectionId,
        Id = $"{connectionId}:{serial}:0",
        Timestamp = timestamp,
        Data = data is null ? WireData.None : WireData.FromString(data),
    };

    private static ProtocolMessage Sync(string? cursor, params WirePresenceMessage[] members) =>
        new() { Action = ProtocolAction.Sync, Channel = "room", ChannelSerial = cursor, Presence = members };

    private static ProtocolMessage Presence(params WirePresenceMessage[] members) =>
        new() { Action = ProtocolAction.Presence, Channel = "room", Presence = members };

    private async Task<(AblyChannelClient Client, AblyChannel Channel, SubscriptionReader<PresenceMessage> Events)> AttachAsync()
    {
        var client = new AblyChannelClient(ClientOptions());
        var channel = (AblyChannel)client.GetChannel("room");
        var events = new SubscriptionReader<PresenceMessage>(await channel.Presence.SubscribeAsync(cancellationToken: Ct), Wait, Ct);
        Assert.Empty(await channel.Presence.GetAsync(Ct));
        return (client, channel, events);
    }

    [Fact]
    public async Task Sync_LeaveDuringSyncThenOlderPresent_MemberStaysGone()
    {
        var (client, channel, events) = await AttachAsync();
        await using (client)
        await using (events)
        {
            channel.Handle(Sync("s1:page2", Member(PresenceAction.Present, "alice", "ca", 1, 1_000)));
            channel.Handle(Presence(Member(PresenceAction.Leave, "bob", "cb", 7, 3_000)));
            channel.Handle(Sync("s1:", Member(PresenceAction.Present, "bob", "cb", 5, 2_000)));

            var members = await channel.Presence.GetAsync(Ct);

            Assert.Equal(["alice"], members.Select(m => m.ClientId));
            Assert.All(members, m => Assert.Equal(PresenceAction.Present, m.Action));
        }
    }

    [Fact]
    public async Task Presence_OlderEventAfterNewer_IsDiscardedAndNotAnnounced()
    {
        var (client, channel, events) = await AttachAsync();
        await using (client)
        await using (events)
        {
            channel.Handle(Presence(Member(PresenceAction.Update, "bob", "cb", 5, 2_000, "new")));
            channel.Handle(Presence(Member(PresenceAction.Enter, "bob", "cb", 3, 1_000, "old")));
            channel.Handle(Presence(Member(PresenceAction.Leave, "carol", "cc", 4, 1_000)));
            channel.Handle(Presence(Member(PresenceAction.Enter, "sentinel", "cs", 1, 5_000)));

            var seen = await events.ReadUntilAsync(e => e.ClientId == "sentinel", "the sentinel enter");
            var members = await channel.Presence.GetAsync(Ct);

            Assert.Equal(["bob:Update", "sentinel:Enter"], seen.Select(e => $"{e.ClientId}:{e.Action}"));
            Assert.Equal("new", Assert.Single(members, m => m.ClientId == "bob").Data.AsString());
        }
    }

    [Fact]
    public async Task Sync_ServerInitiated_RemovesResidualMembersWithSynthesisedLeave()
    {
        var (client, channel, events) = await AttachAsync();
        await using (client)
        await using (events)
        {
            channel.Handle(Presence(Member(PresenceAction.Enter, "carol", "cc", 1, 1_000)));
            channel.Handle(Presence(Member(PresenceAction.Enter, "dave", "cd", 1, 1_000)));
            await events.NextAsync(2, "two enters");

            // RTP18c: a SYNC without a cursor is a whole sync; dave is mentioned (even by an older entry), carol is not.
            channel.Handle(Sync(null, Member(PresenceAction.Present, "dave", "cd", 0, 500), Member(PresenceAction.Present, "erin", "ce", 2, 1_500)));

            // erin is new to this client (RTP2d1: announced as PRESENT); dave's older entry changes nothing.
            var present = await events.NextAsync("erin's present");
            var leave = await events.NextAsync("carol's synthesised leave");
            var members = await channel.Presence.GetAsync(Ct);

            Assert.Equal(("erin", PresenceAction.Present), (present.ClientId, present.Action));
            Assert.Equal(("carol", PresenceAction.Leave, (string?)null), (leave.ClientId, leave.Action, leave.Id));
            Assert.Equal(["dave", "erin"], members.Select(m => m.ClientId).Order(StringComparer.Ordinal));
        }
    }
}
