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

        var release = host.Emulator.HoldFirebaseOutbound();
        database.Set("v/n", DataNode.FromNumber(1));
        database.Set("v/n", DataNode.FromNumber(2));
        var otherRelease = host.Emulator.HoldFirebaseOutbound("other");
        var released = await release().WaitAsync(Wait, TestContext.Current.CancellationToken);

        // Both pushes went through the hold (a held message is counted), and arrive in write order after the release.
        Assert.Equal(2, released);
        Assert.Equal(1L, (long?)(await client.PushAsync())["b"]!["d"]);
        Assert.Equal(2L, (long?)(await client.PushAsync())["b"]!["d"]);
        Assert.Empty(await client.DrainAsync());

        // Another namespace's connection held nothing; released, it answers as usual.
        Assert.Equal(0, await otherRelease().WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Empty(await other.DrainAsync());
    }
}
