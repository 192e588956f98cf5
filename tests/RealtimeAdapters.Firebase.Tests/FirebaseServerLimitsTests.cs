using RealtimeAdapters.Emulator;
using static RealtimeAdapters.Firebase.Tests.TestSupport;

namespace RealtimeAdapters.Firebase.Tests;

/// <summary>
/// <c>writeSizeLimit</c>, <c>timeout</c> and <c>shallow</c> end to end. The emulator assumes 100 bytes/s for writes and 1,000
/// bytes/s for reads, so a <c>tiny</c> write may cost 100 bytes and a 100 ms read may return 100 bytes.
/// </summary>
public sealed class FirebaseServerLimitsTests
{
    private static readonly DataNode Big = new string('x', 200);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<RealtimeEmulator> StartAsync() => RealtimeEmulator.StartAsync(new EmulatorOptions
    {
        Firebase = { Port = 0, WriteBytesPerSecond = 100, ReadBytesPerSecond = 1_000 },
    });

    private static FirebaseRealtimeStore NewStore(RealtimeEmulator emulator, string? writeSizeLimit = null, TimeSpan? readTimeout = null, bool compensated = false) => new(
        new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = emulator.FirebaseUrl,
            UseEmulatorAdmin = true,
            WriteSizeLimit = writeSizeLimit,
            ServerReadTimeout = readTimeout,
            LatencyCompensation = compensated,
        });

    [Fact]
    public async Task Set_OverWriteSizeLimit_ThrowsValidationErrorAndNothingIsStored()
    {
        await using var emulator = await StartAsync();
        emulator.GetFirebaseDatabase().Set("a", 1);
        await using var store = NewStore(emulator, writeSizeLimit: "tiny");
        var error = await Assert.ThrowsAsync<RealtimeValidationException>(() => store.SetAsync("a", Big, Ct).AsTask());
        Assert.Equal(400, error.StatusCode);
        Assert.Contains("writeSizeLimit", error.Message, StringComparison.Ordinal);
        Assert.Equal("1", emulator.GetFirebaseDatabase().Get("a").Node.ToJsonString());

        await store.SetAsync("a", 2, Ct);
        Assert.Equal("2", emulator.GetFirebaseDatabase().Get("a").Node.ToJsonString());
    }

    [Fact]
    public async Task Update_OverWriteSizeLimitWithCompensation_IsRolledBackWithEvents()
    {
        await using var emulator = await StartAsync();
        emulator.GetFirebaseDatabase().Set("u/a", 1);
        await using var store = NewStore(emulator, writeSizeLimit: "tiny", compensated: true);
        await using var watch = await store.WatchAsync("u", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["ChildAdded a after -", """Value {"a":1}"""], await NextAsync(events, 2));

        await Assert.ThrowsAsync<RealtimeValidationException>(() => store.UpdateAsync("u", new Dictionary<string, DataNode> { ["b"] = Big }, Ct).AsTask());
        var shown = await NextAsync(events, 4);
        Assert.Equal(["ChildAdded b after a", "Value", "ChildRemoved b", """Value {"a":1}"""], shown.Select(static s => s.StartsWith("Value {\"a\":1,", StringComparison.Ordinal) ? "Value" : s));
        Assert.Equal("""{"a":1}""", emulator.GetFirebaseDatabase().Get("u").Node.ToJsonString());
    }

    [Fact]
    public async Task Get_AnswerLongerThanServerReadTimeout_ThrowsValidationError()
    {
        await using var emulator = await StartAsync();
        emulator.GetFirebaseDatabase().Set("big", Big);
        await using var store = NewStore(emulator, readTimeout: TimeSpan.FromMilliseconds(100));
        var error = await Assert.ThrowsAsync<RealtimeValidationException>(() => store.GetAsync("big", Ct).AsTask());
        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);

        emulator.GetFirebaseDatabase().Set("small", 1);
        Assert.Equal("1", (await store.GetAsync("small", Ct)).Node.ToJsonString());
    }

    [Fact]
    public async Task GetShallow_Object_ReturnsChildKeysWithTrue()
    {
        await using var emulator = await StartAsync();
        emulator.GetFirebaseDatabase().Set("rooms", DataNode.Parse("""{"b":{"name":"B","members":{"x":1}},"a":2,"c":"s"}"""));
        await using var store = NewStore(emulator);
        var shallow = await store.GetShallowAsync("rooms", Ct);
        Assert.Equal("/rooms", shallow.Path.ToString());
        Assert.Equal("""{"a":true,"b":true,"c":true}""", shallow.Node.ToJsonString());
        Assert.Equal(["a", "b", "c"], shallow.Children.Select(static c => c.Key!));
    }

    [Fact]
    public async Task GetShallow_LeafOrMissing_ReturnsTheValueOrNull()
    {
        await using var emulator = await StartAsync();
        emulator.GetFirebaseDatabase().Set("leaf", "text");
        await using var store = NewStore(emulator);
        Assert.Equal("\"text\"", (await store.GetShallowAsync("leaf", Ct)).Node.ToJsonString());
        Assert.False((await store.GetShallowAsync("missing", Ct)).Exists);
    }

    [Fact]
    public async Task GetShallow_RefusedByRules_ThrowsPermissionError()
    {
        await using var emulator = await StartEmulatorAsync("""{"rules":{".read":false}}""");
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = emulator.FirebaseUrl });
        await Assert.ThrowsAsync<RealtimePermissionException>(() => store.GetShallowAsync("x", Ct).AsTask());
    }
}
