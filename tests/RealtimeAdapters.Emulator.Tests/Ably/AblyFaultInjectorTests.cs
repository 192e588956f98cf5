using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace RealtimeAdapters.Emulator.Tests.Ably;

public sealed class AblyFaultInjectorTests : IAsyncLifetime
{
    private const string Key = "faults.key:faults-secret";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private RealtimeEmulator _emulator = null!;

    private AblyFaultInjector Faults => _emulator.AblyFaults;

    public async ValueTask InitializeAsync()
    {
        var options = new EmulatorOptions { TimeProvider = _time, Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } };
        options.Ably.Keys.Add(Key);
        _emulator = await RealtimeEmulator.StartAsync(options, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _emulator.DisposeAsync();

    private async Task<(AblyWireClient Client, string Id, string ConnectionKey)> ConnectAsync(string extra = "")
    {
        var client = await AblyWireClient.ConnectAsync(_emulator.AblyUrl, $"format=json&v=6&key={Uri.EscapeDataString(Key)}{extra}");
        var connected = await client.ReceiveActionAsync(4);
        return (client, connected["connectionId"]!.GetValue<string>(), connected["connectionKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task AblyFaults_AblyNotEnabled_Throws()
    {
        await using var firebaseOnly = await RealtimeEmulator.StartAsync(
            new EmulatorOptions { Firebase = { Port = 0 } }, TestContext.Current.CancellationToken);
        Assert.Throws<InvalidOperationException>(() => firebaseOnly.AblyFaults);
    }

    [Fact]
    public async Task WaitForConnectionAsync_AlreadyConnected_ReturnsItsId()
    {
        var (client, id, _) = await ConnectAsync();
        await using (client)
        {
            Assert.Equal(id, await Faults.WaitForConnectionAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Wait, TestContext.Current.CancellationToken));
            Assert.Contains(id, Faults.ConnectionIds);
        }
    }

    [Fact]
    public async Task WaitForConnectionAsync_PredicateNotYetMet_CompletesWhenAMatchingConnectionArrives()
    {
        var (first, firstId, _) = await ConnectAsync();
        await using (first)
        {
            var waiting = Faults.WaitForConnectionAsync(id => id != firstId, TestContext.Current.CancellationToken);
            Assert.False(waiting.IsCompleted);

            var (second, secondId, _) = await ConnectAsync();
            await using (second)
            {
                Assert.Equal(secondId, await waiting.WaitAsync(Wait, TestContext.Current.CancellationToken));
            }
        }
    }

    [Fact]
    public async Task WaitForConnectionAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        var waiting = Faults.WaitForConnectionAsync(_ => false, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Wait, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DropTransportAsync_Live_AbortsWithoutDisconnectedAndKeepsStateForResume()
    {
        var (client, id, connectionKey) = await ConnectAsync();
        await using (client)
        {
            Assert.True(await Faults.DropTransportAsync(id).WaitAsync(Wait, TestContext.Current.CancellationToken));

            // No DISCONNECTED and no close frame: the client sees the socket die.
            await Assert.ThrowsAsync<WebSocketException>(() => client.ReceiveAsync());
            Assert.DoesNotContain(id, Faults.ConnectionIds);
            Assert.True(_emulator.AblyServer!.Connections[connectionKey].TransportLost.IsCompleted);
        }

        var resumedWait = Faults.WaitForConnectionAsync(c => c == id, TestContext.Current.CancellationToken);
        var resumed = await AblyWireClient.ConnectAsync(_emulator.AblyUrl, $"format=json&v=6&key={Uri.EscapeDataString(Key)}&resume={Uri.EscapeDataString(connectionKey)}");
        await using (resumed)
        {
            var connected = await resumed.ReceiveActionAsync(4);
            Assert.Equal(id, connected["connectionId"]!.GetValue<string>());
            Assert.Null(connected["error"]);
            Assert.Equal(id, await resumedWait.WaitAsync(Wait, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task FaultMethods_UnknownConnection_ReturnFalse()
    {
        Assert.False(await Faults.DropTransportAsync("nope"));
        Assert.False(await Faults.DisconnectAsync("nope", 80003, "x"));
        Assert.False(await Faults.RequestReauthAsync("nope"));
        Assert.False(await Faults.DetachChannelAsync("nope", "room", 90001, "x"));
        Assert.False(Faults.ForgetConnection("nope"));
    }

    [Fact]
    public async Task DisconnectAsync_TokenError_SendsDisconnectedWithDerivedStatusThenCloses()
    {
        var (client, id, connectionKey) = await ConnectAsync();
        await using (client)
        {
            Assert.True(await Faults.DisconnectAsync(id, 40142, "Token expired (test)").WaitAsync(Wait, TestContext.Current.CancellationToken));
            var disconnected = await client.ReceiveActionAsync(6);
            Assert.Equal(40142, disconnected["error"]!["code"]!.GetValue<int>());
            Assert.Equal(401, disconnected["error"]!["statusCode"]!.GetValue<int>());
            Assert.Equal("Token expired (test)", disconnected["error"]!["message"]!.GetValue<string>());
            Assert.Null(await client.ReceiveAsync());
            Assert.DoesNotContain(id, Faults.ConnectionIds);
        }

        await _emulator.AblyServer!.Connections[connectionKey].TransportLost.WaitAsync(Wait, TestContext.Current.CancellationToken);
        var (resumed, resumedId, _) = await ConnectAsync("&resume=" + Uri.EscapeDataString(connectionKey));
        await using (resumed)
        {
            Assert.Equal(id, resumedId);
        }
    }

    [Fact]
    public async Task RequestReauthAsync_Live_SendsServerAuth()
    {
        var (client, id, _) = await ConnectAsync();
        await using (client)
        {
            Assert.True(await Faults.RequestReauthAsync(id).WaitAsync(Wait, TestContext.Current.CancellationToken));
            var auth = await client.ReceiveAsync();
            Assert.Equal(17, auth!["action"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task DetachChannelAsync_Attached_SendsDetachedWithErrorAndStopsDelivery()
    {
        var (observer, id, _) = await ConnectAsync();
        var (member, _, _) = await ConnectAsync("&clientId=dora");
        await using (observer)
        await using (member)
        {
            await observer.SendAsync("""{"action":10,"channel":"detach-me"}""");
            await observer.ReceiveActionAsync(11);

            Assert.True(await Faults.DetachChannelAsync(id, "detach-me", 90001, "Detached by the server (test)").WaitAsync(Wait, TestContext.Current.CancellationToken));
            var detached = await observer.ReceiveAsync();
            Assert.Equal(13, detached!["action"]!.GetValue<int>());
            Assert.Equal("detach-me", detached["channel"]!.GetValue<string>());
            Assert.Equal(90001, detached["error"]!["code"]!.GetValue<int>());

            // A presence event is queued for attached connections before its ACK, so the heartbeat reply comes first here
            // only when the observer no longer receives the channel.
            await member.SendAsync("""{"action":14,"channel":"detach-me","msgSerial":0,"presence":[{"action":2}]}""");
            await member.ReceiveActionAsync(1);
            await observer.SendAsync("""{"action":0,"id":"after"}""");
            var next = await observer.ReceiveAsync();
            Assert.Equal(0, next!["action"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task ForgetConnection_AfterDrop_NextResumeGetsNewIdAndError80008()
    {
        var (client, id, connectionKey) = await ConnectAsync("&clientId=eve");
        await using (client)
        {
            await client.SendAsync("""{"action":14,"channel":"forget","msgSerial":0,"presence":[{"action":2}]}""");
            await client.ReceiveActionAsync(1);
            Assert.True(await Faults.DropTransportAsync(id).WaitAsync(Wait, TestContext.Current.CancellationToken));
        }

        Assert.True(Faults.ForgetConnection(id));
        Assert.Empty(_emulator.AblyChannels.GetPresence("forget"));
        Assert.False(Faults.ForgetConnection(id));

        var (resumed, resumedId, _) = await ConnectAsync("&clientId=eve&resume=" + Uri.EscapeDataString(connectionKey));
        await using (resumed)
        {
            Assert.NotEqual(id, resumedId);
        }

        var again = await AblyWireClient.ConnectAsync(_emulator.AblyUrl, $"format=json&v=6&key={Uri.EscapeDataString(Key)}&resume={Uri.EscapeDataString(connectionKey)}");
        await using (again)
        {
            var connected = await again.ReceiveActionAsync(4);
            Assert.Equal(80008, connected["error"]!["code"]!.GetValue<int>());
            Assert.Equal(400, connected["error"]!["statusCode"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task RefuseConnections_Two_NextTwoUpgradesGet503ThenConnects()
    {
        Faults.RefuseConnections = 2;
        var uri = new UriBuilder(_emulator.AblyUrl) { Scheme = "ws", Query = $"format=json&v=6&key={Uri.EscapeDataString(Key)}" }.Uri;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, TestContext.Current.CancellationToken).WaitAsync(Wait, TestContext.Current.CancellationToken));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, socket.HttpStatusCode);
        }

        Assert.Equal(0, Faults.RefuseConnections);
        var (client, id, _) = await ConnectAsync();
        await using (client)
        {
            Assert.False(string.IsNullOrEmpty(id));
        }
    }

    [Fact]
    public void RefuseConnections_Negative_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Faults.RefuseConnections = -1);

    [Fact]
    public async Task DropTransportAsync_WhileOthersServed_OtherConnectionUnaffected()
    {
        var (victim, victimId, _) = await ConnectAsync();
        var (bystander, _, _) = await ConnectAsync();
        await using (victim)
        await using (bystander)
        {
            await bystander.SendAsync("""{"action":10,"channel":"shared"}""");
            await bystander.ReceiveActionAsync(11);
            Assert.True(await Faults.DropTransportAsync(victimId).WaitAsync(Wait, TestContext.Current.CancellationToken));
            await bystander.SendAsync(new JsonObject
            {
                ["action"] = 15,
                ["channel"] = "shared",
                ["msgSerial"] = 0,
                ["messages"] = new JsonArray(new JsonObject { ["name"] = "still", ["data"] = "here" }),
            });
            Assert.Equal("still", (await bystander.ReceiveActionAsync(15))["messages"]![0]!["name"]!.GetValue<string>());
        }
    }
}
