using SampleBackends;

namespace TodoList;

/// <summary>The <c>--crdt</c> script: two users edit the same list offline, come back, and both end with the same list.</summary>
internal static class CrdtDemo
{
    public static async Task<int> RunAsync(Backends backends, BackendKind kind, TimeSpan timeout)
    {
        Console.WriteLine($"TodoList as a CRDT over the channels of {backends.Describe(kind)}");
        await using var aliceClient = backends.CreateChannelClient(kind, "alice");
        await using var bobClient = backends.CreateChannelClient(kind, "bob");
        var listId = "crdt-" + Guid.NewGuid().ToString("N")[..6];
        await using var alice = await CollaborativeTodoList.OpenAsync(aliceClient, listId);
        await using var bob = await CollaborativeTodoList.OpenAsync(bobClient, listId);

        Console.WriteLine($"\n== alice adds three items to {listId} ==");
        var milk = alice.Add("Buy milk");
        var bread = alice.Add("Bake bread");
        var dog = alice.Add("Walk the dog");
        await alice.FlushAsync();
        await UntilAsync(bob, items => items.Count == 3, "bob sees three items", timeout);

        Console.WriteLine("\n== both go offline and edit: alice renames the milk and ticks the dog; bob ticks the milk, removes the dog and moves the bread up ==");
        alice.GoOffline();
        bob.GoOffline();
        alice.Rename(milk, "Buy oat milk");
        alice.SetDone(dog, true);
        alice.Add("Call grandma");
        bob.SetDone(milk, true);
        bob.Remove(dog);
        bob.Move(bread, 0);
        Print($"alice (offline, {alice.PendingEdits} edits queued)", alice.Items);
        Print($"bob (offline, {bob.PendingEdits} edits queued)", bob.Items);

        Console.WriteLine("\n== both come back online ==");
        await alice.GoOnlineAsync();
        await bob.GoOnlineAsync();
        string[] expected = ["Bake bread", "Buy oat milk", "Call grandma"];
        await UntilAsync(alice, items => items.Select(static e => e.Title).SequenceEqual(expected), "alice converged", timeout);
        await UntilAsync(bob, items => items.Select(static e => e.Title).SequenceEqual(expected), "bob converged", timeout);
        Console.WriteLine("\nBoth lists are the same: the rename and the tick both stand, the removal won over the tick, the move kept.");
        return alice.Items.SequenceEqual(bob.Items) ? 0 : 1;
    }

    private static async Task UntilAsync(CollaborativeTodoList list, Func<IReadOnlyList<TodoEntry>, bool> condition, string what, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(object? sender, EventArgs e)
        {
            if (condition(list.Items))
            {
                reached.TrySetResult();
            }
        }

        list.Changed += Check;
        try
        {
            Check(null, EventArgs.Empty);
            await reached.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Not reached within {timeout.TotalSeconds} s: {what}.");
        }
        finally
        {
            list.Changed -= Check;
        }

        Print($"{list.UserName} ({what})", list.Items);
    }

    private static void Print(string title, IReadOnlyList<TodoEntry> items)
    {
        Console.WriteLine($"   {title}:");
        foreach (var item in items)
        {
            Console.WriteLine($"      [{(item.Done ? "x" : " ")}] {item.Title}");
        }
    }
}
