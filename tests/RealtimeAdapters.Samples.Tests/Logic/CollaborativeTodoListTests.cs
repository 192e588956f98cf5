using SampleBackends;
using TodoList;

namespace RealtimeAdapters.Samples.Tests.Logic;

/// <summary>The todo list as a CRDT: two users edit offline, come back, and end with the same list, on every backend.</summary>
public sealed class CollaborativeTodoListTests(BackendsFixture fixture) : IClassFixture<BackendsFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(BackendKind.InMemory)]
    [InlineData(BackendKind.Firebase)]
    [InlineData(BackendKind.Ably)]
    public async Task TwoUsers_EditOffline_Reconnect_AndConverge(BackendKind kind)
    {
        var listId = "crdt-" + Guid.NewGuid().ToString("N")[..8];
        await using var aliceClient = fixture.Backends.CreateChannelClient(kind, "alice");
        await using var bobClient = fixture.Backends.CreateChannelClient(kind, "bob");
        await using var alice = await CollaborativeTodoList.OpenAsync(aliceClient, listId, cancellationToken: Ct);
        await using var bob = await CollaborativeTodoList.OpenAsync(bobClient, listId, cancellationToken: Ct);

        var milk = alice.Add("Buy milk");
        var bread = alice.Add("Bake bread");
        var dog = alice.Add("Walk the dog");
        Assert.True(await alice.FlushAsync(Ct));
        await UntilAsync(bob, static items => items.Count == 3, "bob sees alice's three items");

        // Both offline: each edits their own replica at once.
        alice.GoOffline();
        bob.GoOffline();
        Assert.True(alice.Rename(milk, "Buy oat milk"));
        Assert.True(bob.SetDone(milk, true));
        alice.Add("Call mum");
        Assert.True(bob.Remove(dog));
        Assert.True(alice.SetDone(dog, true));
        Assert.True(bob.Move(bread, 0));
        Assert.Equal(["Buy oat milk", "Bake bread", "Walk the dog", "Call mum"], alice.Items.Select(static e => e.Title));
        Assert.Equal(["Bake bread", "Buy milk"], bob.Items.Select(static e => e.Title));
        Assert.True(alice.PendingEdits > 0 && bob.PendingEdits > 0, $"offline edits wait in the queue (alice {alice.PendingEdits}, bob {bob.PendingEdits}, online {alice.IsOnline}/{bob.IsOnline})");

        // Back online: the queued edits go out, the others' come in, and both replicas end the same.
        Assert.True(await alice.GoOnlineAsync(Ct));
        Assert.True(await bob.GoOnlineAsync(Ct));
        string[] expected = ["Bake bread", "Buy oat milk", "Call mum"];
        await UntilAsync(alice, items => items.Select(static e => e.Title).SequenceEqual(expected), "alice converges");
        await UntilAsync(bob, items => items.Select(static e => e.Title).SequenceEqual(expected), "bob converges");
        Assert.Equal(alice.Items, bob.Items);
        Assert.True(alice.Items.Single(e => e.Id == milk).Done, "the tick and the rename of one item both stand");
        Assert.DoesNotContain(alice.Items, e => e.Id == dog);
    }

    private static async Task UntilAsync(CollaborativeTodoList list, Func<IReadOnlyList<TodoEntry>, bool> condition, string what)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(object? sender, EventArgs e)
        {
            if (condition(list.Items))
            {
                done.TrySetResult();
            }
        }

        list.Changed += Check;
        try
        {
            Check(null, EventArgs.Empty);
            try
            {
                await done.Task.WaitAsync(Wait, Ct);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{list.UserName}: {what} (has {string.Join(", ", list.Items)})");
            }
        }
        finally
        {
            list.Changed -= Check;
        }
    }
}
