using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Firebase.Tests.Channels;

/// <summary>The shipped rules template (<see cref="FirebaseChannelRules"/>) enforced by the emulator's rules engine, with mock users.</summary>
public sealed class FirebaseChannelRulesTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _created = [];
    private readonly string _ns = TestSupport.NewNamespace();
    private RealtimeEmulator? _emulator;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _emulator = await TestSupport.StartEmulatorAsync(FirebaseChannelRules.Create(historyMaxCount: 3, historyMaxAge: TimeSpan.FromHours(1)));

    [Fact]
    public async Task SignedInUsers_PublishSubscribeAndEnterAsThemselves()
    {
        var reader = new EventReader<ChannelMessage>((await User("bob", "bob").GetChannel("room").SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct));
        var presence = new EventReader<PresenceMessage>((await User("bob", "bob").GetChannel("room").Presence.SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct));
        var alice = User("alice", "alice");
        await alice.GetChannel("room").PublishAsync("hello", "from alice", Ct);
        await alice.GetChannel("room").PublishAsync(new ChannelMessage("idempotent", "x") { Id = "once" }, Ct);
        await alice.GetChannel("room").Presence.EnterAsync("here", Ct);
        Assert.Equal(("hello", "alice"), ((await reader.NextAsync()).Name, (await reader.NextAsync()).ClientId));
        Assert.Equal((PresenceAction.Enter, "alice"), ((await presence.NextAsync()) is var p ? (p.Action, p.ClientId) : default));
        await alice.DisposeAsync();
        Assert.Equal(PresenceAction.Leave, (await presence.NextAsync()).Action);
    }

    [Fact]
    public async Task PublishingOrEnteringAsAnotherClientId_IsDenied()
    {
        var mallory = User("mallory", clientId: "alice");
        var publish = await Assert.ThrowsAnyAsync<RealtimeException>(() => mallory.GetChannel("room").PublishAsync("forged", "x", Ct).AsTask());
        Assert.IsType<RealtimePermissionException>(publish);
        await Assert.ThrowsAnyAsync<RealtimePermissionException>(() => mallory.GetChannel("room").Presence.EnterAsync("forged", Ct).AsTask());
        Assert.Empty((await User("bob", "bob").GetChannel("room").GetHistoryAsync(cancellationToken: Ct)).Items);
    }

    [Fact]
    public async Task AnonymousConnection_CannotReadOrPublish()
    {
        var stranger = Client(new FirebaseStoreOptions { DatabaseUrl = _emulator!.FirebaseUrl, Namespace = _ns }, clientId: null);
        await Assert.ThrowsAnyAsync<RealtimePermissionException>(() => stranger.GetChannel("room").PublishAsync("x", "y", Ct).AsTask());
        await Assert.ThrowsAnyAsync<RealtimePermissionException>(() => stranger.GetChannel("room").GetHistoryAsync(cancellationToken: Ct).AsTask());
    }

    [Fact]
    public async Task ForgedTimestampOrEditedMessage_IsDenied_TrimmingBeyondTheCountIsAllowed()
    {
        var store = new FirebaseRealtimeStore(new FirebaseStoreOptions { DatabaseUrl = _emulator!.FirebaseUrl, Namespace = _ns, IdToken = TestSupport.Token("eve", DateTimeOffset.UtcNow.AddHours(1)) });
        _created.Add(store);
        await Assert.ThrowsAnyAsync<RealtimePermissionException>(() => store.SetAsync(
            "channels/room/messages/-forged", DataNode.Parse("""{"connectionId":"c","id":"i","timestamp":1}"""), Ct).AsTask());

        var alice = User("alice", "alice");
        var channel = (FirebaseChannel)alice.GetChannel("room");
        for (var i = 0; i < 5; i++)
        {
            await channel.PublishAsync("m", $"{i}", Ct);
        }

        var first = (await channel.GetHistoryAsync(new HistoryQuery { Direction = HistoryDirection.Forwards, Limit = 1 }, Ct)).Items[0];
        await Assert.ThrowsAnyAsync<RealtimePermissionException>(() => store.SetAsync($"channels/room/messages/{first.Serial}/data", "edited", Ct).AsTask());

        Assert.Equal(2, await channel.TrimHistoryAsync(Ct));
        Assert.Equal(["2", "3", "4"], (await channel.GetHistoryAsync(new HistoryQuery { Direction = HistoryDirection.Forwards }, Ct)).Items.Select(static m => m.Data.AsString()));

        // At the limit, nobody may remove a message that is not old enough.
        var kept = (await channel.GetHistoryAsync(new HistoryQuery { Limit = 1 }, Ct)).Items[0];
        await Assert.ThrowsAnyAsync<RealtimePermissionException>(() => store.SetAsync($"channels/room/messages/{kept.Serial}", DataNode.Null, Ct).AsTask());
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _created.Count - 1; i >= 0; i--)
        {
            await _created[i].DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }

    private FirebaseChannelClient User(string uid, string? clientId) =>
        Client(new FirebaseStoreOptions { DatabaseUrl = _emulator!.FirebaseUrl, Namespace = _ns, IdToken = TestSupport.Token(uid, DateTimeOffset.UtcNow.AddHours(1)) }, clientId);

    private FirebaseChannelClient Client(FirebaseStoreOptions database, string? clientId)
    {
        var client = new FirebaseChannelClient(new FirebaseChannelOptions { ClientId = clientId, HistoryMaxCount = 3, HistoryMaxAge = TimeSpan.FromHours(1), TrimEvery = 0, Database = database });
        _created.Add(client);
        return client;
    }
}
