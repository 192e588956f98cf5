using Chat;
using SampleBackends;

namespace RealtimeAdapters.Samples.Tests.Logic;

public sealed class ChatRoomTests(BackendsFixture fixture) : IClassFixture<BackendsFixture>
{
    private static string NewRoom() => "room-" + Guid.NewGuid().ToString("N")[..8];

    private static bool LastMembers(IReadOnlyList<ChatEvent> events, Func<IReadOnlyList<ChatMember>, bool> condition) =>
        events.LastOrDefault(e => e.Kind == ChatEventKind.Members)?.Members is { } members && condition(members);

    private static bool Said(IReadOnlyList<ChatEvent> events, string author, string text) =>
        events.Any(e => e.Line is { } l && l.Author == author && l.Text == text);

    [Theory]
    [InlineData(BackendKind.InMemory)]
    [InlineData(BackendKind.Ably)]
    [InlineData(BackendKind.Firebase)]
    public async Task JoinAsync_TwoUsers_SeeEachOtherPresentAndTheirMessages(BackendKind kind)
    {
        var room = NewRoom();
        await using var aliceClient = fixture.Backends.CreateChannelClient(kind, "alice");
        await using var bobClient = fixture.Backends.CreateChannelClient(kind, "bob");
        await using var alice = new ChatRoom(aliceClient, room);
        await using var bob = new ChatRoom(bobClient, room);
        await alice.JoinAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var aliceSees = new EventLog<ChatEvent>(alice.ReadEventsAsync);
        await bob.JoinAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var bobSees = new EventLog<ChatEvent>(bob.ReadEventsAsync);

        await aliceSees.UntilAsync(e => LastMembers(e, m => m.Select(x => x.Name).SequenceEqual(["alice", "bob"])), "alice sees bob arrive");
        await bobSees.UntilAsync(e => LastMembers(e, m => m.Select(x => x.Name).SequenceEqual(["alice", "bob"])), "bob sees alice");

        await bob.SendAsync("hi alice", TestContext.Current.CancellationToken);
        await alice.SendAsync("hi bob", TestContext.Current.CancellationToken);
        await aliceSees.UntilAsync(e => Said(e, "bob", "hi alice") && Said(e, "alice", "hi bob"), "alice sees both messages");
        await bobSees.UntilAsync(e => Said(e, "bob", "hi alice") && Said(e, "alice", "hi bob"), "bob sees both messages");
    }

    [Theory]
    [InlineData(BackendKind.InMemory)]
    [InlineData(BackendKind.Ably)]
    [InlineData(BackendKind.Firebase)]
    public async Task SetTypingAsync_OthersSeeTypingUntilTheMessageIsSent(BackendKind kind)
    {
        var room = NewRoom();
        await using var aliceClient = fixture.Backends.CreateChannelClient(kind, "alice");
        await using var bobClient = fixture.Backends.CreateChannelClient(kind, "bob");
        await using var alice = new ChatRoom(aliceClient, room);
        await using var bob = new ChatRoom(bobClient, room);
        await alice.JoinAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var aliceSees = new EventLog<ChatEvent>(alice.ReadEventsAsync);
        await bob.JoinAsync(cancellationToken: TestContext.Current.CancellationToken);

        await bob.SetTypingAsync(true, TestContext.Current.CancellationToken);
        await aliceSees.UntilAsync(e => LastMembers(e, m => m.Any(x => x is { Name: "bob", Typing: true })), "bob typing");

        await bob.SendAsync("done typing", TestContext.Current.CancellationToken);
        await aliceSees.UntilAsync(e => Said(e, "bob", "done typing") && LastMembers(e, m => m.Any(x => x is { Name: "bob", Typing: false })), "bob's message, and bob no longer typing");
    }

    [Theory]
    [InlineData(BackendKind.InMemory)]
    [InlineData(BackendKind.Ably)]
    [InlineData(BackendKind.Firebase)]
    public async Task JoinAsync_LateJoiner_GetsHistoryOldestFirstThenLiveWithoutOverlap(BackendKind kind)
    {
        var room = NewRoom();
        await using var aliceClient = fixture.Backends.CreateChannelClient(kind, "alice");
        await using var carolClient = fixture.Backends.CreateChannelClient(kind, "carol");
        await using var alice = new ChatRoom(aliceClient, room);
        await alice.JoinAsync(cancellationToken: TestContext.Current.CancellationToken);
        foreach (var text in (string[])["one", "two", "three"])
        {
            await alice.SendAsync(text, TestContext.Current.CancellationToken);
        }

        await using var carol = new ChatRoom(carolClient, room);
        var history = await carol.JoinAsync(historyLimit: 2, TestContext.Current.CancellationToken);
        await using var carolSees = new EventLog<ChatEvent>(carol.ReadEventsAsync);
        await alice.SendAsync("four", TestContext.Current.CancellationToken);

        Assert.Equal(["two", "three"], history.Select(l => l.Text));
        Assert.All(history, l => Assert.Equal("alice", l.Author));
        await carolSees.UntilAsync(e => Said(e, "alice", "four"), "the live message");
        Assert.Equal(["four"], carolSees.Events.Where(e => e.Line is not null).Select(e => e.Line!.Text));
    }

    [Theory]
    [InlineData(BackendKind.InMemory)]
    [InlineData(BackendKind.Ably)]
    [InlineData(BackendKind.Firebase)]
    public async Task DisposeAsync_UserLeaves_OthersSeeThemGo(BackendKind kind)
    {
        var room = NewRoom();
        await using var aliceClient = fixture.Backends.CreateChannelClient(kind, "alice");
        await using var bobClient = fixture.Backends.CreateChannelClient(kind, "bob");
        await using var alice = new ChatRoom(aliceClient, room);
        await alice.JoinAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var aliceSees = new EventLog<ChatEvent>(alice.ReadEventsAsync);
        var bob = new ChatRoom(bobClient, room);
        await bob.JoinAsync(cancellationToken: TestContext.Current.CancellationToken);
        await aliceSees.UntilAsync(e => LastMembers(e, m => m.Count == 2), "bob arrives");

        await bob.DisposeAsync();

        await aliceSees.UntilAsync(e => LastMembers(e, m => m.Select(x => x.Name).SequenceEqual(["alice"])), "bob leaves");
    }

    [Fact]
    public async Task SendAsync_EmptyOrTooLong_IsRefusedBeforeTheNetwork()
    {
        await using var client = fixture.Backends.CreateChannelClient(BackendKind.InMemory, "alice");
        await using var room = new ChatRoom(client, NewRoom());
        await room.JoinAsync(cancellationToken: TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<ArgumentException>(() => room.SendAsync("  ", TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => room.SendAsync(new string('x', ChatRoom.MaxLength + 1), TestContext.Current.CancellationToken));
    }
}
