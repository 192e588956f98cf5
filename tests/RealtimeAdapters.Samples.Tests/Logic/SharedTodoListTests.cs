using SampleBackends;
using TodoList;

namespace RealtimeAdapters.Samples.Tests.Logic;

public sealed class SharedTodoListTests(BackendsFixture fixture) : IClassFixture<BackendsFixture>
{
    private sealed class User : IAsyncDisposable
    {
        private User(IRealtimeStore store, SharedTodoList list, EventLog<IReadOnlyList<TodoItem>> changes)
        {
            Store = store;
            List = list;
            Changes = changes;
        }

        public IRealtimeStore Store { get; }

        public SharedTodoList List { get; }

        public EventLog<IReadOnlyList<TodoItem>> Changes { get; }

        public static async Task<User> OpenAsync(Backends backends, BackendKind kind, string listId, string name)
        {
            var store = backends.CreateStore(kind);
            var list = new SharedTodoList(store, listId, name);
            await list.StartAsync(TestContext.Current.CancellationToken);
            return new User(store, list, new EventLog<IReadOnlyList<TodoItem>>(list.ReadChangesAsync));
        }

        // Waits on the user's current view, woken by each change.
        public Task UntilAsync(Func<IReadOnlyList<TodoItem>, bool> condition, string what) =>
            Changes.UntilAsync(_ => condition(List.Items), $"{List.UserName}: {what} (has {string.Join(", ", List.Items)})");

        public async ValueTask DisposeAsync()
        {
            await Changes.DisposeAsync();
            await List.DisposeAsync();
            await Store.DisposeAsync();
        }
    }

    private static string NewList() => "list-" + Guid.NewGuid().ToString("N")[..8];

    private static string[] Titles(IReadOnlyList<TodoItem> items) => [.. items.Select(i => i.Title)];

    [Theory]
    [InlineData(BackendKind.InMemory)]
    [InlineData(BackendKind.Firebase)]
    public async Task AddAsync_SeveralInARow_EveryoneSeesThemInOrder(BackendKind kind)
    {
        var listId = NewList();
        await using var alice = await User.OpenAsync(fixture.Backends, kind, listId, "alice");
        await using var bob = await User.OpenAsync(fixture.Backends, kind, listId, "bob");

        await alice.List.AddAsync("one", TestContext.Current.CancellationToken);
        await alice.List.AddAsync("two", TestContext.Current.CancellationToken);
        await alice.List.AddAsync("three", TestContext.Current.CancellationToken);

        await bob.UntilAsync(items => Titles(items).SequenceEqual(["one", "two", "three"]), "three items in order");
        await alice.UntilAsync(items => Titles(items).SequenceEqual(["one", "two", "three"]), "three items in order");
    }

    [Theory]
    [InlineData(BackendKind.InMemory)]
    [InlineData(BackendKind.Firebase)]
    public async Task ConcurrentEdits_RenameAndTickTheSameItem_BothAreKept(BackendKind kind)
    {
        var listId = NewList();
        await using var alice = await User.OpenAsync(fixture.Backends, kind, listId, "alice");
        await using var bob = await User.OpenAsync(fixture.Backends, kind, listId, "bob");
        var milk = await alice.List.AddAsync("milk", TestContext.Current.CancellationToken);
        await bob.UntilAsync(items => items.Count == 1, "the item");

        await Task.WhenAll(
            alice.List.RenameAsync(milk, "oat milk", TestContext.Current.CancellationToken),
            bob.List.SetDoneAsync(milk, true, TestContext.Current.CancellationToken));

        foreach (var user in (User[])[alice, bob])
        {
            await user.UntilAsync(items => items is [{ Title: "oat milk", Done: true }], "both edits");
        }
    }

    [Theory]
    [InlineData(BackendKind.InMemory)]
    [InlineData(BackendKind.Firebase)]
    public async Task SetDoneAsync_ItemRemovedMeanwhile_DoesNotBringBackHalfAnItem(BackendKind kind)
    {
        var listId = NewList();
        await using var alice = await User.OpenAsync(fixture.Backends, kind, listId, "alice");
        await using var bob = await User.OpenAsync(fixture.Backends, kind, listId, "bob");
        var bread = await alice.List.AddAsync("bread", TestContext.Current.CancellationToken);
        await alice.List.AddAsync("eggs", TestContext.Current.CancellationToken);
        await bob.UntilAsync(items => items.Count == 2, "two items");

        await alice.List.RemoveAsync(bread, TestContext.Current.CancellationToken);
        await bob.UntilAsync(items => items.Count == 1, "bread gone");
        var applied = await bob.List.SetDoneAsync(bread, true, TestContext.Current.CancellationToken);

        Assert.False(applied);
        var stored = await bob.Store.GetAsync(SharedTodoList.ItemsPath(listId).Child(bread), TestContext.Current.CancellationToken);
        Assert.False(stored.Exists);
        await alice.UntilAsync(items => Titles(items).SequenceEqual(["eggs"]), "only eggs");
    }

    [Theory]
    [InlineData(BackendKind.InMemory)]
    [InlineData(BackendKind.Firebase)]
    public async Task MoveAsync_ToTheTopAndDown_ReordersForEveryone(BackendKind kind)
    {
        var listId = NewList();
        await using var alice = await User.OpenAsync(fixture.Backends, kind, listId, "alice");
        await using var bob = await User.OpenAsync(fixture.Backends, kind, listId, "bob");
        await alice.List.AddAsync("a", TestContext.Current.CancellationToken);
        await alice.List.AddAsync("b", TestContext.Current.CancellationToken);
        var c = await alice.List.AddAsync("c", TestContext.Current.CancellationToken);
        await bob.UntilAsync(items => items.Count == 3, "three items");

        await bob.List.MoveAsync(c, 0, TestContext.Current.CancellationToken);
        await alice.UntilAsync(items => Titles(items).SequenceEqual(["c", "a", "b"]), "c on top");
        await alice.List.MoveAsync(c, 1, TestContext.Current.CancellationToken);
        await bob.UntilAsync(items => Titles(items).SequenceEqual(["a", "c", "b"]), "c second");
    }

    [Theory]
    [InlineData(BackendKind.InMemory)]
    [InlineData(BackendKind.Firebase)]
    public async Task GoOnlineAsync_OfflineEdits_AreReplayedAndEditsOfRemovedItemsDropped(BackendKind kind)
    {
        var listId = NewList();
        await using var alice = await User.OpenAsync(fixture.Backends, kind, listId, "alice");
        await using var bob = await User.OpenAsync(fixture.Backends, kind, listId, "bob");
        var bread = await alice.List.AddAsync("bread", TestContext.Current.CancellationToken);
        var eggs = await alice.List.AddAsync("eggs", TestContext.Current.CancellationToken);
        await bob.UntilAsync(items => items.Count == 2, "two items");

        alice.List.GoOffline();
        await alice.List.SetDoneAsync(bread, true, TestContext.Current.CancellationToken);
        await alice.List.RenameAsync(eggs, "free-range eggs", TestContext.Current.CancellationToken);
        var local = await alice.List.AddAsync("jam", TestContext.Current.CancellationToken);
        await alice.List.SetDoneAsync(local, true, TestContext.Current.CancellationToken);

        // Alice sees her edits at once; nobody else does.
        Assert.Equal(4, alice.List.PendingEdits);
        Assert.Equal(["bread", "free-range eggs", "jam"], Titles(alice.List.Items));
        await bob.List.RemoveAsync(bread, TestContext.Current.CancellationToken);
        await bob.UntilAsync(items => Titles(items).SequenceEqual(["eggs"]), "bread removed, no offline edit visible");

        var report = await alice.List.GoOnlineAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, report.Applied);
        Assert.Single(report.Dropped, d => d.Contains(bread, StringComparison.Ordinal));
        Assert.Equal(0, alice.List.PendingEdits);
        foreach (var user in (User[])[alice, bob])
        {
            await user.UntilAsync(
                items => items is [{ Title: "free-range eggs", Done: false }, { Title: "jam", Done: true }],
                "the merged list");
        }
    }
}
