using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace RealtimeAdapters.Emulator.Tests.Ably;

/// <summary>Resent frames after a resume (RTN19a), recover, and presence continuity and ordering.</summary>
public sealed class AblyResumeSemanticsTests : IAsyncLifetime
{
    private const string Key = "resume.key:resume-secret";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private RealtimeEmulator _emulator = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new EmulatorOptions { TimeProvider = _time, Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0, MaxMessageSize = 256 } };
        options.Ably.Keys.Add(Key);
        _emulator = await RealtimeEmulator.StartAsync(options, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _emulator.DisposeAsync();

    private async Task<(AblyWireClient Client, JsonObject Connected)> ConnectAsync(string extra = "")
    {
        var client = await AblyWireClient.ConnectAsync(_emulator.AblyUrl, $"format=json&v=6&key={Uri.EscapeDataString(Key)}{extra}");
        return (client, await client.ReceiveActionAsync(4));
    }

    private static string Id(JsonObject connected) => connected["connectionId"]!.GetValue<string>();

    private static string ConnectionKey(JsonObject connected) => connected["connectionKey"]!.GetValue<string>();

    private static JsonObject Publish(string channel, long msgSerial, string data) => new()
    {
        ["action"] = 15,
        ["channel"] = channel,
        ["msgSerial"] = msgSerial,
        ["messages"] = new JsonArray(new JsonObject { ["name"] = "n", ["data"] = data }),
    };

    private int HistoryCount(string channel) => _emulator.AblyChannels.ReadHistory(channel).Items.Count;

    [Fact]
    public async Task ResentMessage_AfterResume_AckedAgainWithSameResultAndPublishedOnce()
    {
        var (first, connected) = await ConnectAsync();
        JsonObject ack;
        await using (first)
        {
            await first.SendAsync(Publish("resend", 0, "once"));
            ack = await first.ReceiveActionAsync(1);
            Assert.True(await _emulator.AblyFaults.DropTransportAsync(Id(connected)).WaitAsync(Wait, TestContext.Current.CancellationToken));
        }

        var (second, resumed) = await ConnectAsync("&resume=" + Uri.EscapeDataString(ConnectionKey(connected)));
        await using (second)
        {
            Assert.Equal(Id(connected), Id(resumed));
            await second.SendAsync(Publish("resend", 0, "once"));
            var again = await second.ReceiveActionAsync(1);
            Assert.Equal(0, again["msgSerial"]!.GetValue<long>());
            Assert.Equal(ack["res"]!.ToJsonString(), again["res"]!.ToJsonString());
            Assert.Equal(1, HistoryCount("resend"));

            await second.SendAsync(Publish("resend", 1, "next"));
            var next = await second.ReceiveActionAsync(1);
            Assert.Equal(1, next["msgSerial"]!.GetValue<long>());
            Assert.Equal(2, HistoryCount("resend"));
        }
    }

    [Fact]
    public async Task ResentMessage_PreviouslyNacked_NackedAgainWithSameError()
    {
        var (client, _) = await ConnectAsync();
        await using (client)
        {
            var oversized = Publish("resend-nack", 0, new string('x', 300));
            await client.SendAsync(oversized);
            var nack = await client.ReceiveActionAsync(2);
            Assert.Equal(40009, nack["error"]!["code"]!.GetValue<int>());

            await client.SendAsync(oversized);
            var again = await client.ReceiveAsync();
            Assert.Equal(2, again!["action"]!.GetValue<int>());
            Assert.Equal(nack["error"]!.ToJsonString(), again["error"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task ResentPresence_AfterResume_NotAppliedTwice()
    {
        var (first, connected) = await ConnectAsync("&clientId=fay");
        await using (first)
        {
            await first.SendAsync("""{"action":14,"channel":"resend-presence","msgSerial":0,"presence":[{"action":2,"data":"a"}]}""");
            await first.ReceiveActionAsync(1);
            Assert.True(await _emulator.AblyFaults.DropTransportAsync(Id(connected)).WaitAsync(Wait, TestContext.Current.CancellationToken));
        }

        var (second, _) = await ConnectAsync("&clientId=fay&resume=" + Uri.EscapeDataString(ConnectionKey(connected)));
        await using (second)
        {
            await second.SendAsync("""{"action":14,"channel":"resend-presence","msgSerial":0,"presence":[{"action":2,"data":"a"}]}""");
            await second.ReceiveActionAsync(1);

            // Applied twice, the second enter would have been an UPDATE event.
            var history = _emulator.AblyChannels.ReadPresenceHistory("resend-presence").Items;
            Assert.Equal([PresenceAction.Enter], history.Select(p => p.Action));
        }
    }

    [Fact]
    public async Task FailedResume_NewConnection_MsgSerialsStartFresh()
    {
        var (first, connected) = await ConnectAsync();
        await using (first)
        {
            await first.SendAsync(Publish("fresh", 0, "old"));
            await first.ReceiveActionAsync(1);
            Assert.True(await _emulator.AblyFaults.DropTransportAsync(Id(connected)).WaitAsync(Wait, TestContext.Current.CancellationToken));
        }

        Assert.True(_emulator.AblyFaults.ForgetConnection(Id(connected)));
        var (second, failed) = await ConnectAsync("&resume=" + Uri.EscapeDataString(ConnectionKey(connected)));
        await using (second)
        {
            Assert.NotEqual(Id(connected), Id(failed));
            Assert.Equal(80008, failed["error"]!["code"]!.GetValue<int>());
            await second.SendAsync(Publish("fresh", 0, "new"));
            await second.ReceiveActionAsync(1);
            Assert.Equal(2, HistoryCount("fresh"));
        }
    }

    [Fact]
    public async Task Recover_SameConnection_MsgSerialsTakenAsNew()
    {
        var (first, connected) = await ConnectAsync();
        await using (first)
        {
            await first.SendAsync(Publish("recover", 0, "first instance"));
            await first.ReceiveActionAsync(1);
            Assert.True(await _emulator.AblyFaults.DropTransportAsync(Id(connected)).WaitAsync(Wait, TestContext.Current.CancellationToken));
        }

        var (second, recovered) = await ConnectAsync("&recover=" + Uri.EscapeDataString(ConnectionKey(connected)));
        await using (second)
        {
            Assert.Equal(Id(connected), Id(recovered));
            Assert.Null(recovered["error"]);

            // A new client instance has nothing to resend: its serial 0 is a new message.
            await second.SendAsync(Publish("recover", 0, "second instance"));
            await second.ReceiveActionAsync(1);
            Assert.Equal(2, HistoryCount("recover"));
        }
    }

    [Fact]
    public async Task Recover_MalformedKey_NewConnectionWithError80018()
    {
        var (client, connected) = await ConnectAsync("&recover=not-a-key");
        await using (client)
        {
            Assert.Equal(80018, connected["error"]!["code"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Presence_ClientSuppliedId_ServerIdsKeepTheMembersEventsInOrder()
    {
        var (observer, _) = await ConnectAsync();
        var (member, connected) = await ConnectAsync("&clientId=ivy");
        await using (observer)
        await using (member)
        {
            await observer.SendAsync("""{"action":10,"channel":"ids"}""");
            await observer.ReceiveActionAsync(11);

            // A far-future serial in a client-chosen id would make every later event of the member look older (RTP2b2).
            var forged = Id(connected) + ":999999:0";
            await member.SendAsync($$"""{"action":14,"channel":"ids","msgSerial":0,"presence":[{"action":2,"id":"{{forged}}"}]}""");
            await member.ReceiveActionAsync(1);
            await member.SendAsync("""{"action":14,"channel":"ids","msgSerial":1,"presence":[{"action":3}]}""");
            await member.ReceiveActionAsync(1);

            var enter = (await observer.ReceiveActionAsync(14))["presence"]![0]!["id"]!.GetValue<string>();
            var leave = (await observer.ReceiveActionAsync(14))["presence"]![0]!["id"]!.GetValue<string>();

            Assert.NotEqual(forged, enter);
            Assert.True(Serial(leave) > Serial(enter), $"leave {leave} must be newer than enter {enter}");
        }

        static long Serial(string id) => long.Parse(id.Split(':')[^2], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task PresenceAck_ThenHeartbeatOnObservers_ObserversAlreadyHaveTheEvent()
    {
        // Deliveries woken by the subscription are held back: only the publisher's flush before its ACK can have queued
        // the event, so without it the heartbeat reply would come first.
        var held = new System.Collections.Concurrent.ConcurrentQueue<Action>();
        _emulator.AblyServer!.DrainScheduler = held.Enqueue;
        var observers = new List<AblyWireClient>();
        var (member, _) = await ConnectAsync("&clientId=gus");
        try
        {
            for (var o = 0; o < 3; o++)
            {
                var (observer, _) = await ConnectAsync();
                observers.Add(observer);
                await observer.SendAsync("""{"action":10,"channel":"order"}""");
                await observer.ReceiveActionAsync(11);
            }

            for (var i = 0; i < 5; i++)
            {
                var action = i == 0 ? 2 : 4;
                await member.SendAsync($$"""{"action":14,"channel":"order","msgSerial":{{i}},"presence":[{"action":{{action}},"data":"v{{i}}"}]}""");
                Assert.Equal(i, (await member.ReceiveActionAsync(1))["msgSerial"]!.GetValue<long>());

                foreach (var observer in observers)
                {
                    await observer.SendAsync($$"""{"action":0,"id":"hb{{i}}"}""");
                }

                foreach (var observer in observers)
                {
                    var presence = await observer.ReceiveAsync();
                    Assert.Equal(14, presence!["action"]!.GetValue<int>());
                    Assert.Equal("v" + i, presence["presence"]![0]!["data"]!.GetValue<string>());
                    Assert.Equal("hb" + i, (await observer.ReceiveAsync())!["id"]!.GetValue<string>());
                }
            }
        }
        finally
        {
            foreach (var observer in observers)
            {
                await observer.DisposeAsync();
            }

            await member.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReattachWithChannelSerial_MemberLeftWhileAway_HasPresenceAndEmptySync()
    {
        var (member, _) = await ConnectAsync("&clientId=hal");
        await using (member)
        {
            await member.SendAsync("""{"action":14,"channel":"away","msgSerial":0,"presence":[{"action":2}]}""");
            await member.ReceiveActionAsync(1);

            var (observer, connected) = await ConnectAsync();
            string channelSerial;
            await using (observer)
            {
                await observer.SendAsync("""{"action":10,"channel":"away"}""");
                channelSerial = (await observer.ReceiveActionAsync(11))["channelSerial"]!.GetValue<string>();
                Assert.Equal("hal", (await observer.ReceiveActionAsync(16))["presence"]![0]!["clientId"]!.GetValue<string>());
                Assert.True(await _emulator.AblyFaults.DropTransportAsync(Id(connected)).WaitAsync(Wait, TestContext.Current.CancellationToken));
            }

            await member.SendAsync("""{"action":14,"channel":"away","msgSerial":1,"presence":[{"action":3}]}""");
            await member.ReceiveActionAsync(1);

            var (resumed, _) = await ConnectAsync("&resume=" + Uri.EscapeDataString(ConnectionKey(connected)));
            await using (resumed)
            {
                await resumed.SendAsync(new JsonObject { ["action"] = 10, ["channel"] = "away", ["channelSerial"] = channelSerial });
                var attached = await resumed.ReceiveActionAsync(11);
                var flags = attached["flags"]!.GetValue<int>();
                Assert.Equal(1, flags & 1);
                Assert.Equal(4, flags & 4);
                var sync = await resumed.ReceiveAsync();
                Assert.Equal(16, sync!["action"]!.GetValue<int>());
                Assert.EndsWith(":", sync["channelSerial"]!.GetValue<string>(), StringComparison.Ordinal);
                Assert.Empty(sync["presence"]!.AsArray());
            }
        }
    }

    [Fact]
    public async Task ReattachWithChannelSerial_MemberEnteredWhileAway_SyncHasIt()
    {
        var (observer, connected) = await ConnectAsync();
        string channelSerial;
        await using (observer)
        {
            await observer.SendAsync("""{"action":10,"channel":"joined"}""");
            var attached = await observer.ReceiveActionAsync(11);
            Assert.Equal(0, attached["flags"]!.GetValue<int>() & 1);
            channelSerial = attached["channelSerial"]!.GetValue<string>();
            Assert.True(await _emulator.AblyFaults.DropTransportAsync(Id(connected)).WaitAsync(Wait, TestContext.Current.CancellationToken));
        }

        _emulator.AblyChannels.ApplyPresence("joined", "elsewhere", new PresenceMessage { Action = PresenceAction.Enter, ClientId = "ida" });
        var (resumed, _) = await ConnectAsync("&resume=" + Uri.EscapeDataString(ConnectionKey(connected)));
        await using (resumed)
        {
            await resumed.SendAsync(new JsonObject { ["action"] = 10, ["channel"] = "joined", ["channelSerial"] = channelSerial });
            Assert.Equal(1, (await resumed.ReceiveActionAsync(11))["flags"]!.GetValue<int>() & 1);
            var sync = await resumed.ReceiveActionAsync(16);
            Assert.Equal("ida", sync["presence"]![0]!["clientId"]!.GetValue<string>());
        }
    }
}
