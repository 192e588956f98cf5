using System.Diagnostics;
using System.Globalization;

namespace RealtimeAdapters.Firebase.Tests.Interop;

/// <summary>
/// A web page's few lines (the official Firebase web SDK, <c>firebase</c> 12.19.0, writing the documented
/// <see cref="FirebaseChannelLayout"/>) and a <see cref="FirebaseChannelClient"/> on one emulator namespace: each receives
/// the other's messages, the page's presence member is seen entering and, when its socket closes, leaving; the page reads
/// the channel's history. Skipped with an install hint when the SDK is missing, failed instead under CI.
/// </summary>
public sealed class FirebaseChannelJsInteropTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WebSdkAndFirebaseChannelClient_ExchangeMessagesAndPresence()
    {
        var (node, script) = FirebaseJsInteropTests.Locate("firebase-channel-peer.mjs");
        var ns = TestSupport.NewNamespace();
        await using var client = new FirebaseChannelClient(new FirebaseChannelOptions
        {
            ClientId = "dotnet",
            Database = new FirebaseStoreOptions { DatabaseUrl = fixture.Emulator.FirebaseUrl, Namespace = ns, UseEmulatorAdmin = true },
        });
        var channel = client.GetChannel("room");
        await using var messages = (await channel.SubscribeAsync("from-js")).GetAsyncEnumerator(Ct);
        await using var presence = (await channel.Presence.SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct);

        var info = new ProcessStartInfo(node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(fixture.Emulator.FirebaseUrl.Port.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(ns);
        using var peer = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        try
        {
            Assert.True((await FirebaseJsInteropTests.NextLineAsync(peer)).GetProperty("ready").GetBoolean());
            await channel.PublishAsync("from-cs", MessageData.From(new { text = "hello web", n = 1 }), Ct);
            var received = (await FirebaseJsInteropTests.NextLineAsync(peer)).GetProperty("received");
            Assert.Equal(("from-cs", "dotnet", "hello web"), (received.GetProperty("name").GetString(), received.GetProperty("clientId").GetString(), received.GetProperty("data").GetProperty("text").GetString()));

            var enter = await NextAsync(presence);
            Assert.Equal((PresenceAction.Enter, "web", "on the web"), (enter.Action, enter.ClientId, enter.Data.AsString()));
            var fromJs = await NextAsync(messages);
            Assert.Equal(("web", 2), (fromJs.ClientId, fromJs.Data.AsJson().GetProperty("n").GetInt32()));
            Assert.Equal(System.Text.Json.JsonValueKind.Array, fromJs.Data.AsJson().GetProperty("list").ValueKind);

            Assert.Equal(["from-js", "from-cs"], (await FirebaseJsInteropTests.NextLineAsync(peer)).GetProperty("history").EnumerateArray().Select(static e => e.GetString()));
            Assert.True(await peer.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default));
            Assert.Equal(0, peer.ExitCode);

            var leave = await NextAsync(presence);
            Assert.Equal((PresenceAction.Leave, "web"), (leave.Action, leave.ClientId));
            Assert.Empty(await channel.Presence.GetAsync(Ct));
            Assert.Equal(["from-js", "from-cs"], (await channel.GetHistoryAsync(cancellationToken: Ct)).Items.Select(static m => m.Name));
        }
        finally
        {
            if (!peer.HasExited)
            {
                peer.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<T> NextAsync<T>(IAsyncEnumerator<T> events)
    {
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20), Ct), "the subscription ended");
        return events.Current;
    }
}
