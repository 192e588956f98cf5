using RealtimeAdapters.InMemory;
using static RealtimeAdapters.InMemory.Tests.Channels.ChannelTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Channels;

public class InMemoryChannelHubTests
{
    [Fact]
    public void Publish_ReturnsSerialsInOrder_NullForDuplicates()
    {
        var (hub, _) = CreateHub();

        var first = hub.Publish("ch", "conn-a", null, [Message("e", "1") with { Id = "x" }, Message("e", "2")]);
        var second = hub.Publish("ch", "conn-a", null, [Message("e", "3") with { Id = "x" }, Message("e", "4")]);

        Assert.Equal(2, first.Count);
        Assert.Null(second[0]);
        Assert.NotNull(second[1]);
        Assert.True(string.CompareOrdinal(first[0], first[1]) < 0);
        Assert.True(string.CompareOrdinal(first[1], second[1]) < 0);
        Assert.Equal(second[1], hub.GetChannelSerial("ch"));
    }

    [Fact]
    public void Publish_WithConnectionClientId_StampsIt_AndRejectsOthers()
    {
        var (hub, _) = CreateHub();
        using var attachment = new AttachmentScope(hub.SubscribeMessages("ch", "listener"));

        hub.Publish("ch", "conn-a", "alice", [Message("e", "1")]);
        var error = Assert.Throws<RealtimeValidationException>(() => hub.Publish("ch", "conn-a", "alice", [Message("e", "2") with { ClientId = "bob" }]));

        Assert.Equal("40012", error.ErrorCode);
        var message = Assert.Single(hub.ReadHistory("ch").Items);
        Assert.Equal("alice", message.ClientId);
        Assert.Equal("conn-a", message.ConnectionId);
        Assert.Equal(1, attachment.Attachment.Subscription.Count);
    }

    [Fact]
    public void Publish_InvalidChannelName_Throws40010()
    {
        var (hub, _) = CreateHub();

        var error = Assert.Throws<RealtimeValidationException>(() => hub.Publish("[bad", "conn", null, [Message("e", "1")]));

        Assert.Equal("40010", error.ErrorCode);
    }

    [Fact]
    public async Task SubscribeMessages_EchoOff_SuppressesOnlyThatConnection()
    {
        var (hub, _) = CreateHub();
        var attachment = hub.SubscribeMessages("ch", "conn-a", echoMessages: false);
        await using var reader = attachment.Subscription.GetAsyncEnumerator(cancellationToken: Ct);

        hub.Publish("ch", "conn-a", null, [Message("e", "own")]);
        hub.Publish("ch", "conn-b", null, [Message("e", "other")]);

        Assert.Equal("other", (await reader.NextAsync()).Data());
        await attachment.Subscription.DisposeAsync();
    }

    [Fact]
    public async Task SubscribeMessages_AfterSerial_ReplaysTheGapThenLive_Resumed()
    {
        var (hub, _) = CreateHub();
        var serials = hub.Publish("ch", "p", null, [Message("e", "1"), Message("e", "2"), Message("e", "3")]);

        var attachment = hub.SubscribeMessages("ch", "c", replay: new MessageReplay { AfterSerial = serials[0] });
        hub.Publish("ch", "p", null, [Message("e", "4")]);

        Assert.True(attachment.Resumed);
        Assert.Equal(2, attachment.Replayed);
        Assert.Equal(serials[2], attachment.AttachSerial);
        await using var reader = attachment.Subscription.GetAsyncEnumerator(cancellationToken: Ct);
        Assert.Equal(["2", "3", "4"], (await reader.TakeAsync(3)).Select(m => m.Data()));
        await attachment.Subscription.DisposeAsync();
    }

    [Fact]
    public async Task SubscribeMessages_AfterCurrentSerial_ResumedWithNothingToReplay()
    {
        var (hub, _) = CreateHub();
        hub.Publish("ch", "p", null, [Message("e", "1")]);

        var attachment = hub.SubscribeMessages("ch", "c", replay: new MessageReplay { AfterSerial = hub.GetChannelSerial("ch") });

        Assert.True(attachment.Resumed);
        Assert.Equal(0, attachment.Replayed);
        await attachment.Subscription.DisposeAsync();
    }

    [Fact]
    public async Task SubscribeMessages_AfterSerialNoLongerRetained_NotResumed()
    {
        var (hub, _) = CreateHub(o => o.MaxHistoryPerChannel = 2);
        var serials = hub.Publish("ch", "p", null, [Message("e", "1"), Message("e", "2"), Message("e", "3"), Message("e", "4")]);

        var attachment = hub.SubscribeMessages("ch", "c", replay: new MessageReplay { AfterSerial = serials[0] });

        Assert.False(attachment.Resumed);
        Assert.Equal(2, attachment.Replayed);
        await attachment.Subscription.DisposeAsync();
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("zzzzzzzz:0000000000000001")]
    public async Task SubscribeMessages_UnknownSerial_NotResumedNoReplay(string serial)
    {
        var (hub, _) = CreateHub();
        hub.Publish("ch", "p", null, [Message("e", "1")]);

        var attachment = hub.SubscribeMessages("ch", "c", replay: new MessageReplay { AfterSerial = serial });

        Assert.False(attachment.Resumed);
        Assert.Equal(0, attachment.Replayed);
        await attachment.Subscription.DisposeAsync();
    }

    [Fact]
    public async Task SubscribeMessages_RewindLastCountAndWithin()
    {
        var (hub, time) = CreateHub();
        hub.Publish("ch", "p", null, [Message("e", "1"), Message("e", "2")]);
        time.Advance(TimeSpan.FromSeconds(30));
        hub.Publish("ch", "p", null, [Message("e", "3")]);

        var last = hub.SubscribeMessages("ch", "c", replay: new MessageReplay { LastCount = 2 });
        var within = hub.SubscribeMessages("ch", "c", replay: new MessageReplay { Within = TimeSpan.FromSeconds(10) });

        await using var lastReader = last.Subscription.GetAsyncEnumerator(cancellationToken: Ct);
        await using var withinReader = within.Subscription.GetAsyncEnumerator(cancellationToken: Ct);
        Assert.Equal(["2", "3"], (await lastReader.TakeAsync(2)).Select(m => m.Data()));
        Assert.Equal("3", (await withinReader.NextAsync()).Data());
        Assert.False(last.Resumed);
        await last.Subscription.DisposeAsync();
        await within.Subscription.DisposeAsync();
    }

    [Fact]
    public void SubscribeMessages_InvalidReplay_ThrowsArgumentException()
    {
        var (hub, _) = CreateHub();

        Assert.Throws<ArgumentException>(() => hub.SubscribeMessages("ch", "c", replay: new MessageReplay()));
        Assert.Throws<ArgumentException>(() => hub.SubscribeMessages("ch", "c", replay: new MessageReplay { LastCount = 1, Within = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => hub.SubscribeMessages("ch", "c", replay: new MessageReplay { LastCount = -1 }));
    }

    [Fact]
    public void ReadHistory_CursorAndUntilAttachSerial()
    {
        var (hub, _) = CreateHub();
        hub.Publish("ch", "p", null, [Message("e", "1"), Message("e", "2"), Message("e", "3")]);
        var attachment = hub.SubscribeMessages("ch", "c");
        hub.Publish("ch", "p", null, [Message("e", "4")]);

        var first = hub.ReadHistory("ch", new HistoryQuery { Limit = 2 }, attachment.AttachSerial);
        var second = hub.ReadHistory("ch", new HistoryQuery { Limit = 2 }, first.NextFromSerial);
        var untilAttach = hub.ReadHistory("ch", new HistoryQuery { UntilAttach = true }, attachment.AttachSerial);

        Assert.Equal(["3", "2"], first.Items.Select(m => m.Data()));
        Assert.True(first.HasNext);
        Assert.Equal(["1"], second.Items.Select(m => m.Data()));
        Assert.False(second.HasNext);
        Assert.Equal(["3", "2", "1"], untilAttach.Items.Select(m => m.Data()));
    }

    [Fact]
    public void ReadHistory_InvalidFromSerialOrUntilAttachWithoutSerial_Throws40003()
    {
        var (hub, _) = CreateHub();

        Assert.Equal("40003", Assert.Throws<RealtimeValidationException>(() => hub.ReadHistory("ch", null, "nope")).ErrorCode);
        Assert.Equal("40003", Assert.Throws<RealtimeValidationException>(() => hub.ReadHistory("ch", new HistoryQuery { UntilAttach = true })).ErrorCode);
    }

    [Fact]
    public async Task SubscribePresence_SnapshotThenEvents_AtomicAndSorted()
    {
        var (hub, _) = CreateHub();
        hub.ApplyPresence("ch", "c2", new PresenceMessage { Action = PresenceAction.Enter, ClientId = "b" });
        hub.ApplyPresence("ch", "c1", new PresenceMessage { Action = PresenceAction.Enter, ClientId = "b" });
        hub.ApplyPresence("ch", "c3", new PresenceMessage { Action = PresenceAction.Enter, ClientId = "a" });

        var attachment = hub.SubscribePresence("ch");
        var update = hub.ApplyPresence("ch", "c3", new PresenceMessage { Action = PresenceAction.Enter, ClientId = "a", Data = "again" });
        var noop = hub.ApplyPresence("ch", "c9", new PresenceMessage { Action = PresenceAction.Leave, ClientId = "nobody" });

        Assert.Equal([("a", "c3"), ("b", "c1"), ("b", "c2")], attachment.Members.Select(m => (m.ClientId, m.ConnectionId!)));
        Assert.All(attachment.Members, m => Assert.Equal(PresenceAction.Present, m.Action));
        Assert.Equal(PresenceAction.Update, update!.Action);
        Assert.Null(noop);
        await using var reader = attachment.Subscription.GetAsyncEnumerator(cancellationToken: Ct);
        Assert.Equal(update, await reader.NextAsync());
        await attachment.Subscription.DisposeAsync();
    }

    [Fact]
    public void ApplyPresence_PresentAction_Throws40003_MissingClientId_Throws91000()
    {
        var (hub, _) = CreateHub();

        Assert.Equal("40003", Assert.Throws<RealtimeValidationException>(
            () => hub.ApplyPresence("ch", "c", new PresenceMessage { Action = PresenceAction.Present, ClientId = "a" })).ErrorCode);
        Assert.Equal("91000", Assert.Throws<RealtimeValidationException>(
            () => hub.ApplyPresence("ch", "c", new PresenceMessage { Action = PresenceAction.Enter })).ErrorCode);
        Assert.Equal("40012", Assert.Throws<RealtimeValidationException>(
            () => hub.ApplyPresence("ch", "c", new PresenceMessage { Action = PresenceAction.Enter, ClientId = "*" })).ErrorCode);
    }

    [Fact]
    public void ReadPresenceHistory_PagesWithCursor()
    {
        var (hub, _) = CreateHub();
        for (var i = 0; i < 3; i++)
        {
            hub.ApplyPresence("ch", "c", new PresenceMessage { Action = PresenceAction.Update, ClientId = "a", Data = $"{i}" });
        }

        var first = hub.ReadPresenceHistory("ch", new HistoryQuery { Limit = 2, Direction = HistoryDirection.Forwards });
        var second = hub.ReadPresenceHistory("ch", new HistoryQuery { Limit = 2, Direction = HistoryDirection.Forwards }, first.NextFromSerial);

        Assert.Equal(["0", "1"], first.Items.Select(p => p.Data.AsString()));
        Assert.Equal(["2"], second.Items.Select(p => p.Data.AsString()));
        Assert.Equal([PresenceAction.Enter, PresenceAction.Update], first.Items.Select(p => p.Action));
    }

    [Fact]
    public void SerialsAndConnectionIds_DifferBetweenHubs()
    {
        var (first, _) = CreateHub();
        var (second, _) = CreateHub();
        first.Publish("ch", "p", null, [Message("e", "1")]);
        second.Publish("ch", "p", null, [Message("e", "1")]);

        Assert.NotEqual(first.GetChannelSerial("ch"), second.GetChannelSerial("ch"));
        Assert.NotEqual(first.CreateConnectionId(), second.CreateConnectionId());
        Assert.NotEqual(first.CreateConnectionId(), first.CreateConnectionId());
        Assert.Throws<RealtimeValidationException>(() => second.ReadHistory("ch", null, first.GetChannelSerial("ch")));
    }
}
