using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>Echo: by default a client receives its own messages; with echo suppressed its own connection does not, while everyone else still does.</summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.EchoSuppression)]
public abstract class ChannelEchoConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>Claimed: the metadata says so and suppression works. Not claimed: asking for it is refused with <see cref="RealtimeNotSupportedException"/> rather than echoing anyway.</summary>
    [Fact]
    public async Task Capability_EchoSuppression_WorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsChannels(RealtimeCapabilities.EchoSuppression))
        {
            var backend = await NewBackendAsync();
            var client = await backend.CreateChannelClientAsync(new ChannelClientSpec { EchoMessages = false }, Ct);
            Assert.True(client.Metadata.Supports(RealtimeCapabilities.EchoSuppression));
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.EchoSuppression, async backend =>
            {
                var client = await backend.CreateChannelClientAsync(new ChannelClientSpec { EchoMessages = false }, Ct);
                var channel = client.GetChannel("echo");
                await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
                await channel.PublishAsync("own", "x", Ct);
            });
        }
    }

    /// <summary>By default a client's own messages reach its own subscriptions.</summary>
    [Fact]
    public async Task EchoOn_OwnMessages_AreDelivered()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var channel = client.GetChannel("echo");
        var reader = Read(await channel.SubscribeAsync(cancellationToken: Ct));
        await channel.PublishAsync("own", "x", Ct);
        Assert.Equal("own", (await reader.NextAsync("the client's own message")).Name);
    }

    /// <summary>With echo suppressed, a client's own messages skip its subscriptions, but other clients' messages arrive.</summary>
    [Fact]
    public async Task EchoOff_OwnMessagesSkipped_OthersDelivered()
    {
        RequireChannels(RealtimeCapabilities.EchoSuppression);
        var backend = await NewBackendAsync();
        var quiet = await backend.CreateChannelClientAsync(new ChannelClientSpec { ClientId = "quiet", EchoMessages = false }, Ct);
        var other = await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("other"), Ct);
        var quietReader = Read(await quiet.GetChannel("echo").SubscribeAsync(cancellationToken: Ct));
        var otherReader = Read(await other.GetChannel("echo").SubscribeAsync(cancellationToken: Ct));
        await quiet.GetChannel("echo").PublishAsync("own", "1", Ct);
        await other.GetChannel("echo").PublishAsync("from other", "2", Ct);
        Assert.Equal("from other", (await quietReader.NextAsync("the other client's message")).Name);
        Assert.Equal(["own", "from other"], (await otherReader.NextAsync(2, "both messages")).Select(static m => m.Name));
    }

    /// <summary>Suppression is per connection: another connection with the same client id still receives the messages.</summary>
    [Fact]
    public async Task EchoOff_SameClientIdOnOtherConnection_StillReceives()
    {
        RequireChannels(RealtimeCapabilities.EchoSuppression);
        var backend = await NewBackendAsync();
        var quiet = await backend.CreateChannelClientAsync(new ChannelClientSpec { ClientId = "sam", EchoMessages = false }, Ct);
        var twin = await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("sam"), Ct);
        var twinReader = Read(await twin.GetChannel("echo").SubscribeAsync(cancellationToken: Ct));
        await quiet.GetChannel("echo").PublishAsync("from quiet", "1", Ct);
        var message = await twinReader.NextAsync("the message from the same client id on another connection");
        Assert.Equal("from quiet", message.Name);
        Assert.Equal("sam", message.ClientId);
    }

    /// <summary>Suppressed messages are still published: they are in the channel's history.</summary>
    [Fact]
    public async Task EchoOff_OwnMessages_StillInHistory()
    {
        RequireChannels(RealtimeCapabilities.EchoSuppression | RealtimeCapabilities.History);
        var backend = await NewBackendAsync();
        var quiet = await backend.CreateChannelClientAsync(new ChannelClientSpec { EchoMessages = false }, Ct);
        var channel = quiet.GetChannel("echo");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await channel.PublishAsync("kept", "1", Ct);
        var page = await channel.GetHistoryAsync(cancellationToken: Ct);
        Assert.Equal("kept", Assert.Single(page.Items).Name);
    }
}
