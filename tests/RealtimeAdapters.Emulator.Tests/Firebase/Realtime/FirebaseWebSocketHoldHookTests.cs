using RealtimeAdapters.Emulator.Tests.Infrastructure;
using static RealtimeAdapters.Emulator.Tests.Firebase.Realtime.RealtimeWireClient;

namespace RealtimeAdapters.Emulator.Tests.Firebase.Realtime;

/// <summary>The benchmark hook that keeps a namespace's outbound realtime messages until released (internal, off by default).</summary>
public class FirebaseWebSocketHoldHookTests
{
    [Fact]
    public async Task HoldFirebaseOutbound_PushesKeptThenSentInOrderOnRelease()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/v", """{"n":0}""");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await using var other = await ConnectAsync(host.Emulator.FirebaseUrl, ns: "other");
        await client.RequestAsync("q", Body("""{"p":"/v","h":""}"""));
        var database = host.Emulator.GetFirebaseDatabase();

        var hold = host.Emulator.HoldFirebaseOutbound();
        database.Set("v/n", DataNode.FromNumber(1));
        database.Set("v/n", DataNode.FromNumber(2));
        var otherHold = host.Emulator.HoldFirebaseOutbound("other");

        // Both pushes are encoded and kept, not sent; then released, they arrive in write order.
        Assert.Equal(2, await hold.EncodedAsync().WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Equal(2, await hold.ReleaseAsync().WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Equal(1L, (long?)(await client.PushAsync())["b"]!["d"]);
        Assert.Equal(2L, (long?)(await client.PushAsync())["b"]!["d"]);
        Assert.Empty(await client.DrainAsync());

        // Another namespace's connection held nothing; released, it answers as usual.
        Assert.Equal(0, await otherHold.ReleaseAsync().WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Empty(await other.DrainAsync());
    }
}
