using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace RealtimeAdapters.Firebase.Tests;

/// <summary>The README's Firebase example, run against the emulator so that it keeps compiling and working.</summary>
public sealed class ReadmeExampleTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task ReadmeExample_Runs()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddRealtime().AddFirebaseStore(o =>
        {
            o.DatabaseUrl = fixture.Emulator.FirebaseUrl;   // https://<db>.firebaseio.com/ in production
            o.Namespace = TestSupport.NewNamespace();       // the emulator's ?ns=
            o.UseEmulatorAdmin = true;                      // or IdToken / AccessToken / TokenProvider
        });
        using var host = builder.Build();
        await host.StartAsync(ct);

        var store = host.Services.GetRequiredService<IRealtimeStore>();
        await using var watch = await store.WatchAsync(RealtimeQuery.At("scores").OrderByChild("points").WithLimitToLast(10), cancellationToken: ct);
        await store.PushAsync("scores", new { name = "ada", points = 42 }, cancellationToken: ct);
        var kinds = new List<StoreEventKind>();
        await foreach (var e in watch.WithCancellation(ct))
        {
            kinds.Add(e.Kind);
            if (e.Kind == StoreEventKind.Value && e.Snapshot.HasChildren)
            {
                break;
            }
        }

        Assert.Equal([StoreEventKind.Value, StoreEventKind.ChildAdded, StoreEventKind.Value], kinds);
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task ReadmePagingExample_GivesTheNextPage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions { DatabaseUrl = fixture.Emulator.FirebaseUrl, Namespace = TestSupport.NewNamespace(), UseEmulatorAdmin = true });
        for (var i = 0; i < 30; i++)
        {
            await store.SetAsync($"scores/p{i:00}", DataNode.Parse($$"""{"points":{{i % 10}}}"""), ct);
        }

        // As in the README (page size 20).
        var page = RealtimeQuery.At("scores").OrderByChild("points").WithLimitToFirst(20);
        var first = await store.GetAsync(page, ct);
        var last = first.Children.Last();
        var next = await store.GetAsync(RealtimeQuery.At("scores").OrderByChild("points")
            .WithStartAfter(last.Child("points").Node, last.Key).WithLimitToFirst(20), ct);

        var all = first.Children.Concat(next.Children).Select(static c => c.Key!).ToList();
        Assert.Equal(30, all.Count);
        Assert.Equal(30, all.Distinct().Count());
        Assert.Equal([.. Enumerable.Range(0, 30).OrderBy(static i => i % 10).ThenBy(static i => i).Select(static i => $"p{i:00}")], all);
    }
}
