using RealtimeAdapters.Collaboration;

namespace RealtimeAdapters.Collaboration.Tests;

internal static class Support
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Completes when <paramref name="condition"/> holds, checked now and after each change of the object.</summary>
    public static async Task WaitUntilAsync(CollaborativeObject obj, Func<bool> condition, string what)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, CollaborationChangedEventArgs e)
        {
            if (condition())
            {
                done.TrySetResult();
            }
        }

        obj.Changed += OnChanged;
        try
        {
            if (condition())
            {
                return;
            }

            try
            {
                await done.Task.WaitAsync(Timeout, Ct);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }
        }
        finally
        {
            obj.Changed -= OnChanged;
        }
    }

    /// <summary>The two-replica scenario every backend runs, then a late joiner that must catch up.</summary>
    public static async Task RunScenarioAsync(Func<string, ReplicationTransport> transportFor, Func<CollaborationSessionOptions, CollaborationSessionOptions>? configure = null)
    {
        configure ??= static o => o;
        await using var alice = await CollaborationSession.StartAsync(configure(new() { Transport = transportFor("alice") }), Ct);
        await using var bob = await CollaborationSession.StartAsync(configure(new() { Transport = transportFor("bob") }), Ct);
        var a = alice.Document.GetList<string>("todos");
        var b = bob.Document.GetList<string>("todos");
        var errors = new List<string>();
        alice.ErrorOccurred += (_, e) => errors.Add("alice: " + e.Error.Message);
        bob.ErrorOccurred += (_, e) => errors.Add("bob: " + e.Error.Message);
        var milk = a.Add("milk");
        a.Add("eggs");
        await WaitUntilAsync(b, () => b.Count == 2, "bob sees alice's two items");
        b.Move(1, 0);
        b.Add("bread");
        a.Update(milk, "oat milk");
        await WaitUntilAsync(a, () => a.Count == 3 && a[0] == "eggs", "alice sees bob's move and insert");
        await WaitUntilAsync(b, () => b.Contains("oat milk"), "bob sees alice's update");
        Assert.Equal(["eggs", "oat milk", "bread"], a);
        Assert.Equal(a, b);
        Assert.True(await alice.FlushAsync(Ct));
        Assert.True(await bob.FlushAsync(Ct));

        await using var carol = await CollaborationSession.StartAsync(configure(new() { Transport = transportFor("carol") }), Ct);
        var c = carol.Document.GetList<string>("todos");
        await WaitUntilAsync(c, () => c.Count == 3, "the late joiner caught up");
        Assert.Equal(a, c);
        Assert.Equal(0, alice.RejectedCount + bob.RejectedCount + carol.RejectedCount);
        Assert.Empty(errors);
    }
}
