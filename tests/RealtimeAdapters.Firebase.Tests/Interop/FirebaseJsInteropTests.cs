using System.Diagnostics;
using System.Text.Json;
using static RealtimeAdapters.Firebase.Tests.TestSupport;

namespace RealtimeAdapters.Firebase.Tests.Interop;

/// <summary>
/// The C# provider (realtime transport) and the official Firebase web SDK (<c>firebase</c> 12.19.0, from
/// <c>tests/interop</c>) on one emulator namespace, in both directions: values the provider wrote are read by the SDK, a
/// value the provider keeps changing is seen live by the SDK's listener, the SDK's writes (server timestamp, priority,
/// push ids, a multi-path update with an increment) reach the provider's watch, both sides' transactions on one counter
/// end at the exact count, the provider's onDisconnect write is seen by the SDK when the provider's client closes, and the
/// SDK's onDisconnect write runs when its process exits. Skipped with an install hint
/// when the SDK is missing, and failed instead under CI (<c>REALTIME_REQUIRE_INTEROP=1</c>).
/// </summary>
public sealed class FirebaseJsInteropTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string InstallHint = "Run `npm ci --prefix tests/interop` to install the official SDKs.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProviderAndWebSdk_OneNamespace_SeeEachOthersWritesTransactionsAndOnDisconnect()
    {
        var (node, script) = Locate();
        var ns = NewNamespace();
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions { DatabaseUrl = fixture.Emulator.FirebaseUrl, Namespace = ns, UseEmulatorAdmin = true });
        await store.SetAsync("interop/fromCs", DataNode.Parse("""{"n":1.5,"s":"é😀","b":true,"arr":{"0":"x","1":"y"},"deep":{"k":{"v":null,"w":0}}}"""), Ct);
        var present = new FirebaseRealtimeStore(new FirebaseStoreOptions { DatabaseUrl = fixture.Emulator.FirebaseUrl, Namespace = ns, UseEmulatorAdmin = true });
        await present.SetAsync("interop/presence/cs", "online", Ct);
        await present.OnDisconnectSetAsync("interop/presence/cs", "offline", Ct);
        await using var watch = await store.WatchAsync("interop", new WatchOptions { Events = StoreEventKind.Value }, Ct);
        await using var values = watch.GetAsyncEnumerator(Ct);

        var info = new ProcessStartInfo(node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(fixture.Emulator.FirebaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add(ns);
        using var peer = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        try
        {
            var read = await NextLineAsync(peer);
            Assert.Equal(DataNode.Parse("""{"n":1.5,"s":"é😀","b":true,"arr":["x","y"],"deep":{"k":{"w":0}}}"""), DataNode.Parse(read.GetProperty("read").GetRawText()));
            Assert.Equal(JsonValueKind.Array, read.GetProperty("read").GetProperty("arr").ValueKind);

            // The SDK's listener sees the provider's writes live, in order.
            Assert.Equal("null", (await NextLineAsync(peer)).GetProperty("live").GetRawText());
            for (var i = 1; i <= 3; i++)
            {
                await store.SetAsync("interop/fromCsLive", i, Ct);
                Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), (await NextLineAsync(peer)).GetProperty("live").GetRawText());
            }

            await store.SetAsync("interop/fromCsLive", DataNode.Parse("""{"done":true}"""), Ct);
            Assert.True((await NextLineAsync(peer)).GetProperty("live").GetProperty("done").GetBoolean());

            // Meanwhile both sides increment one counter with transactions.
            var increments = Task.Run(async () =>
            {
                for (var i = 0; i < 5; i++)
                {
                    await store.RunTransactionAsync("interop/count", s => TransactionDecision.Commit((s.Exists ? s.Node.GetNumber() : 0) + 1), new TransactionOptions { MaxAttempts = 50 }, Ct);
                }
            }, Ct);
            Assert.True((await NextLineAsync(peer)).GetProperty("finished").GetBoolean());
            await increments;

            // Closing the provider's other client runs its onDisconnect write, which the SDK's listener sees.
            await present.DisposeAsync();
            Assert.True((await NextLineAsync(peer)).GetProperty("sawCsOffline").GetBoolean());
            Assert.True(await peer.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default));
            Assert.Equal(0, peer.ExitCode);

            // The SDK's writes, and its onDisconnect write once its socket closed, reach the provider's watch.
            DataNode last;
            do
            {
                last = (await NextAsync(values)).Snapshot.Node;
            }
            while (last.GetAt("presence/js").IsNull || last.GetAt("presence/js").GetString() != "offline");

            var fromJs = last.GetAt("fromJs");
            Assert.Equal("js", fromJs.GetAt("from").GetString());
            Assert.Equal(DataNodeKind.Number, fromJs.GetAt("at").Kind);
            Assert.Equal(DataNode.FromNumber(7), fromJs.Priority);
            Assert.Equal(DataNode.Parse("""{"0":1,"1":2,"2":3}"""), fromJs.GetAt("nested/a"));
            Assert.Equal(2, last.GetAt("list").ChildCount);
            Assert.Equal(DataNode.Parse("""{"a":1,"b":2}"""), last.GetAt("multi"));
            Assert.Equal(10, (await store.GetAsync("interop/count", Ct)).Node.GetNumber());
        }
        finally
        {
            await present.DisposeAsync();
            if (!peer.HasExited)
            {
                peer.Kill(entireProcessTree: true);
            }
        }
    }

    internal static async Task<JsonElement> NextLineAsync(Process peer)
    {
        var line = await peer.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(20), Ct);
        if (line is null)
        {
            var error = await peer.StandardError.ReadToEndAsync(Ct);
            Assert.Fail($"The Firebase SDK peer ended early: {error}");
        }

        return JsonDocument.Parse(line).RootElement.Clone();
    }

    internal static (string Node, string Script) Locate(string peerScript = "firebase-peer.mjs")
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Adapters.sln")))
        {
            root = root.Parent;
        }

        var interop = root is null ? null : Path.Combine(root.FullName, "tests", "interop");
        var node = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? "node.exe" : "node"))
            .FirstOrDefault(File.Exists);
        string? missing = interop is null ? $"Adapters.sln not found above {AppContext.BaseDirectory}."
            : !File.Exists(Path.Combine(interop, "node_modules", "firebase", "package.json")) ? $"The official Firebase SDK is not installed in {interop}/node_modules. {InstallHint}"
            : node is null ? $"node was not found on PATH; the interop tests need Node.js 20. {InstallHint}"
            : null;
        if (missing is not null)
        {
            if (Environment.GetEnvironmentVariable("REALTIME_REQUIRE_INTEROP") == "1")
            {
                Assert.Fail(missing);
            }

            Assert.Skip(missing);
        }

        return (node!, Path.Combine(interop!, "peer", peerScript));
    }
}
