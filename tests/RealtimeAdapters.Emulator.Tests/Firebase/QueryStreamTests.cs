using System.Globalization;
using System.Text.Json;
using RealtimeAdapters.Emulator.Tests.Infrastructure;
using static RealtimeAdapters.Emulator.Tests.Infrastructure.StreamAssert;

namespace RealtimeAdapters.Emulator.Tests.Firebase;

/// <summary>
/// Query streams on the wire: the exact events a window's changes produce. Absence is proven with a sentinel write that
/// does reach the stream: the next event must be the sentinel's.
/// </summary>
public class QueryStreamTests
{
    private const string LastTwo = "/s.json?orderBy=%22p%22&limitToLast=2";

    /// <summary>An emulator with <c>/s</c> holding a (1), b (5) and c (9); a <c>limitToLast(2)</c> window holds b and c.</summary>
    private static async Task<EmulatorHost> StartScoredAsync()
    {
        var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/s", """{"a":{"p":1},"b":{"p":5},"c":{"p":9}}""");
        return host;
    }

    /// <summary>An emulator whose <c>/s</c> (three scored children) may be read only while <c>/open</c> is true.</summary>
    private static async Task<EmulatorHost> StartGuardedAsync()
    {
        var host = await EmulatorHost.StartAsync(o => o.Firebase.Rules = """
            {"rules":{"s":{".read":"root.child('open').val() === true",".indexOn":["p"]},".write":true}}
            """);
        await host.SeedAsync("/", """{"open":true,"s":{"a":{"p":1},"b":{"p":5},"c":{"p":9}}}""");
        return host;
    }

    [Fact]
    public async Task LimitToLast_ChildEnters_OnePatchWithTheNewcomerAndNullForTheChildPushedOut()
    {
        await using var host = await StartScoredAsync();
        await using var stream = await host.OpenStreamAsync(LastTwo);
        AssertEvent(await stream.NextAsync(), "put", "/", """{"b":{"p":5},"c":{"p":9}}""");

        await host.PutAsync("/s/d.json", """{"p":7}""");
        AssertPatch(await stream.NextAsync(), "/", ("d", """{"p":7}"""), ("b", "null"));

        // An existing child climbing into the window pushes out the lowest member the same way.
        await host.PutAsync("/s/a/p.json", "8");
        AssertPatch(await stream.NextAsync(), "/", ("a", """{"p":8}"""), ("d", "null"));
        Assert.Equal(DataNode.Parse("""{"a":{"p":8},"c":{"p":9}}"""), stream.Cache);
    }

    [Fact]
    public async Task LimitToFirst_MemberLeaves_OnePatchWithNullAndTheChildPulledIn()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/s", """{"a":{"p":1},"b":{"p":2},"c":{"p":3}}""");
        await using var stream = await host.OpenStreamAsync("/s.json?orderBy=%22p%22&limitToFirst=2");
        AssertEvent(await stream.NextAsync(), "put", "/", """{"a":{"p":1},"b":{"p":2}}""");

        await host.DeleteAsync("/s/a.json");
        AssertPatch(await stream.NextAsync(), "/", ("a", "null"), ("c", """{"p":3}"""));
    }

    [Fact]
    public async Task Reorder_InsideTheWindow_OnePutOfTheMovedChild()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/s", """{"a":{"p":1},"b":{"p":5},"c":{"p":7},"d":{"p":9}}""");
        await using var stream = await host.OpenStreamAsync("/s.json?orderBy=%22p%22&limitToLast=3");
        AssertEvent(await stream.NextAsync(), "put", "/", """{"b":{"p":5},"c":{"p":7},"d":{"p":9}}""");

        // b passes c, then d falls to the bottom: both stay in the window, so nothing enters or leaves.
        await host.PutAsync("/s/b/p.json", "8");
        AssertEvent(await stream.NextAsync(), "put", "/b", """{"p":8}""");
        await host.PutAsync("/s/d/p.json", "6");
        AssertEvent(await stream.NextAsync(), "put", "/d", """{"p":6}""");

        // Sentinel: d is now the lowest member, so a newcomer pushes d (not the former lowest, b) out.
        await host.PutAsync("/s/e.json", """{"p":10}""");
        AssertPatch(await stream.NextAsync(), "/", ("e", """{"p":10}"""), ("d", "null"));
    }

    [Fact]
    public async Task ChangesOutsideTheWindow_SendNothing()
    {
        await using var host = await StartScoredAsync();
        await using var stream = await host.OpenStreamAsync(LastTwo);
        await stream.NextAsync();

        await host.PutAsync("/s/a/p.json", "2");
        await host.PutAsync("/s/x.json", """{"p":0}""");
        await host.PatchAsync("/s.json", """{"a/q":1,"x":null}""");
        await host.DeleteAsync("/s/a.json");
        await host.PutAsync("/elsewhere.json", "1");

        await host.PutAsync("/s/c/p.json", "10");
        AssertEvent(await stream.NextAsync(), "put", "/c", """{"p":10}""");
    }

    [Fact]
    public async Task Range_EntryAndExit_IncludingEmptyingAndRefillingTheWindow()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/t", """{"x":{"v":"a"},"y":{"v":"m"}}""");
        await using var stream = await host.OpenStreamAsync("/t.json?orderBy=%22v%22&startAt=%22b%22&endAt=%22n%22");
        AssertEvent(await stream.NextAsync(), "put", "/", """{"y":{"v":"m"}}""");

        // One write moving x in and y out: one patch.
        await host.PatchAsync("/t.json", """{"x/v":"c","y/v":"z"}""");
        AssertPatch(await stream.NextAsync(), "/", ("x", """{"v":"c"}"""), ("y", "null"));

        await host.PutAsync("/t/w.json", """{"v":"d"}""");
        AssertEvent(await stream.NextAsync(), "put", "/w", """{"v":"d"}""");
        await host.DeleteAsync("/t/x.json");
        AssertEvent(await stream.NextAsync(), "put", "/x", "null");

        // The last member leaving empties the window: a put of null at the root, as for a deleted location.
        await host.PutAsync("/t/w/v.json", "\"a\"");
        AssertEvent(await stream.NextAsync(), "put", "/", "null");

        // Entering an empty window sends the whole window.
        await host.PutAsync("/t/y/v.json", "\"n\"");
        AssertEvent(await stream.NextAsync(), "put", "/", """{"y":{"v":"n"}}""");
        Assert.Equal(DataNode.Parse("""{"y":{"v":"n"}}"""), stream.Cache);
    }

    [Fact]
    public async Task LocationDeleted_PutOfNull_ThenRecreated_PutOfTheWholeWindow()
    {
        await using var host = await StartScoredAsync();
        await using var stream = await host.OpenStreamAsync(LastTwo);
        await stream.NextAsync();

        await host.DeleteAsync("/s.json");
        AssertEvent(await stream.NextAsync(), "put", "/", "null");

        await host.PutAsync("/.json", """{"s":{"q":{"p":3},"r":{"p":4},"z":{"p":1}}}""");
        AssertEvent(await stream.NextAsync(), "put", "/", """{"q":{"p":3},"r":{"p":4}}""");

        // Replaced from above by a non-object: the window empties again.
        await host.PutAsync("/.json", """{"s":5}""");
        AssertEvent(await stream.NextAsync(), "put", "/", "null");
    }

    [Fact]
    public async Task ExportFormat_WindowChangesCarryPriorities()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/s", """{"a":{"p":1,".priority":"x"},"b":{"p":5,".priority":2}}""");
        await using var stream = await host.OpenStreamAsync("/s.json?orderBy=%22p%22&limitToLast=1&format=export");
        var first = await stream.NextAsync();
        Assert.Equal(2, first.Data.GetProperty("data").GetProperty("b").GetProperty(".priority").GetInt32());

        await host.PutAsync("/s/a.json", """{"p":9,".priority":"y"}""");
        var patch = await stream.NextAsync();
        Assert.Equal("patch", patch.Event);
        Assert.Equal("y", patch.Data.GetProperty("data").GetProperty("a").GetProperty(".priority").GetString());
        Assert.Equal(JsonValueKind.Null, patch.Data.GetProperty("data").GetProperty("b").ValueKind);
    }

    [Fact]
    public async Task WriteThatChangesTheWindowAndRevokesTheRead_CancelInsteadOfTheChange()
    {
        await using var host = await StartGuardedAsync();
        await using var stream = await host.OpenStreamAsync(LastTwo);
        AssertEvent(await stream.NextAsync(), "put", "/", """{"b":{"p":5},"c":{"p":9}}""");
        await host.PutAsync("/s/d.json", """{"p":7}""");
        AssertPatch(await stream.NextAsync(), "/", ("d", """{"p":7}"""), ("b", "null"));

        await host.PatchAsync("/.json", """{"open":false,"s/e":{"p":10}}""");
        var cancel = await stream.NextAsync();
        Assert.Equal("cancel", cancel.Event);
        await stream.AssertEndsAsync();
    }

    [Fact]
    public async Task ReadRevokedAndRestoredBeforeTheStreamCatchesUp_CancelInsteadOfTheChange()
    {
        await using var host = await StartGuardedAsync();
        await using var stream = await host.OpenStreamAsync(LastTwo);
        await stream.NextAsync();

        // Two back-to-back writes, usually both applied before the stream reads the first: each change is checked
        // against the tree its write left (the first denies), not against the tree when the stream gets to it.
        var db = host.Emulator.GetFirebaseDatabase();
        db.Update("/", new Dictionary<string, DataNode> { ["open"] = false, ["s/d"] = DataNode.Parse("""{"p":10}""") });
        db.Update("/", new Dictionary<string, DataNode> { ["open"] = true, ["s/e"] = DataNode.Parse("""{"p":11}""") });
        Assert.Equal("cancel", (await stream.NextAsync()).Event);
        await stream.AssertEndsAsync();
    }

    [Fact]
    public async Task WritesDuringRegistration_NeitherLostNorDoubled()
    {
        // Writes through the database API do not pass the namespace's gate, so they race with the stream's registration:
        // each adds the next child, which enters the window and pushes the oldest out. After the initial window ending
        // at child n, the stream must report exactly n+1, n+2, ... with none missing or repeated.
        await using var host = await EmulatorHost.StartAsync();
        var db = host.Emulator.GetFirebaseDatabase();
        static string Key(int i) => "k" + i.ToString("D6", CultureInfo.InvariantCulture);
        static DataNode Child(int i) => DataNode.FromChildren([new("p", i)]);
        db.Set("/race/" + Key(0), Child(0));
        db.Set("/race/" + Key(1), Child(1));

        using var opened = new CancellationTokenSource();
        using var writing = new SemaphoreSlim(0);
        var writer = Task.Run(() =>
        {
            var i = 1;
            while (!opened.IsCancellationRequested && i < 20_000)
            {
                db.Set("/race/" + Key(++i), Child(i));
                if (i == 2)
                {
                    writing.Release();
                }
            }

            return i;
        }, TestContext.Current.CancellationToken);

        await writing.WaitAsync(EmulatorHost.Timeout, TestContext.Current.CancellationToken);
        await using var stream = await host.OpenStreamAsync("/race.json?orderBy=%22p%22&limitToLast=2");
        var first = await stream.NextAsync();
        await opened.CancelAsync();
        var last = await writer.WaitAsync(EmulatorHost.Timeout, TestContext.Current.CancellationToken);

        Assert.Equal("put", first.Event);
        var newest = first.Value.Children.Keys.Max(StringComparer.Ordinal)!;
        var n = int.Parse(newest[1..], CultureInfo.InvariantCulture);
        AssertEvent(first, "put", "/", DataNode.FromChildren([new(Key(n - 1), Child(n - 1)), new(newest, Child(n))]).ToJsonString());
        for (var i = n + 1; i <= last; i++)
        {
            AssertPatch(await stream.NextDataAsync(), "/", (Key(i), Child(i).ToJsonString()), (Key(i - 2), "null"));
        }

        // Sentinel: nothing else was queued before it.
        db.Set("/race/" + Key(0), DataNode.Null);
        db.Set("/race/" + Key(last), Child(last + 1));
        AssertEvent(await stream.NextDataAsync(), "put", "/" + Key(last), Child(last + 1).ToJsonString());
    }

    [Fact]
    public async Task ReaderFallsBehind_StreamEndsOnOverflow()
    {
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.StreamBufferCapacity = 1);
        var db = host.Emulator.GetFirebaseDatabase();
        await using var stream = await host.OpenStreamAsync("/big.json?orderBy=%22$key%22&limitToLast=1");
        await stream.NextAsync();

        // The test does not read, so once the socket buffers are full the server cannot flush, its queue (one signal)
        // fills, and the stream must end instead of buffering without bound. 400 × 64 KB exceeds any loopback buffer.
        var payload = new string('x', 64 * 1024);
        for (var i = 0; i < 400; i++)
        {
            db.Set("/big/k", payload + i.ToString(CultureInfo.InvariantCulture));
        }

        await stream.ReadToEndAsync();
        Assert.NotEqual(DataNode.FromString(payload + "399"), stream.Cache.GetChild("k"));
    }
}
