namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>Releasing channels (RTS4): detached on the server, forgotten by the client.</summary>
public sealed class AblyChannelReleaseTests : AblyEmulatorTest
{
    [Fact]
    public async Task ReleaseChannelAsync_ManyShortLivedChannels_ClientHoldsNoneAndReportsDetached()
    {
        await using var client = new AblyChannelClient(ClientOptions());
        await using var states = client.WatchChannelStates().GetAsyncEnumerator(Ct);
        for (var i = 0; i < 300; i++)
        {
            var name = "inbox:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var channel = client.GetChannel(name);
            await using (var messages = (await channel.SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct))
            {
                await channel.PublishAsync("note", "hello", Ct);
                Assert.True(await messages.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
            }

            await client.ReleaseChannelAsync(name, Ct);
            await states.NextAsync(change => change.Channel == name && change.Current == AblyChannelState.Detached);
            Assert.Equal(AblyChannelState.Initialized, client.GetChannelState(name));
        }

        Assert.Equal(0, client.ChannelCount);
    }

    [Fact]
    public async Task ReleaseChannelAsync_Cancelled_LeavesTheChannelInUse()
    {
        await using var client = new AblyChannelClient(ClientOptions());
        var channel = client.GetChannel("kept");
        await using var messages = (await channel.SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.ReleaseChannelAsync("kept", cancelled.Token));

        Assert.Same(channel, client.GetChannel("kept"));
        Assert.Equal(AblyChannelState.Attached, client.GetChannelState("kept"));
        await channel.PublishAsync("n", "still here", Ct);
        Assert.True(await messages.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
    }
}
