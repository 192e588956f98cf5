using System.Text;
using System.Text.Json;
using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>
/// Channels: publish and subscribe in order, payload kinds, backend-assigned fields, event-name filters, idempotent ids,
/// size limits (40009), channel names (40010), client-id checks and isolation.
/// </summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.Channels)]
public abstract class ChannelConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>Claimed: the metadata says so and a message goes through. Not claimed: publishing is refused with <see cref="RealtimeNotSupportedException"/>.</summary>
    [Fact]
    public async Task Capability_Channels_WorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsChannels(RealtimeCapabilities.Channels))
        {
            var backend = await NewBackendAsync();
            var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
            Assert.True(client.Metadata.Supports(RealtimeCapabilities.Channels));
            var channel = client.GetChannel("capability");
            var reader = Read(await channel.SubscribeAsync(cancellationToken: Ct));
            await channel.PublishAsync("ping", "data", Ct);
            Assert.Equal("ping", (await reader.NextAsync("the published message")).Name);
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.Channels, async backend =>
            {
                var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
                await client.GetChannel("capability").PublishAsync("ping", "data", Ct);
            });
        }
    }

    /// <summary>A subscriber receives one publisher's messages in publish order.</summary>
    [Fact]
    public async Task PublishAsync_Subscriber_ReceivesInPublishOrder()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var (publisher, reader) = await PublisherAndSubscriberAsync("orders");
        for (var i = 0; i < 20; i++)
        {
            await publisher.PublishAsync("n", $"message {i}", Ct);
        }

        var received = await reader.NextAsync(20, "the 20 messages");
        Assert.Equal(Enumerable.Range(0, 20).Select(static i => $"message {i}"), received.Select(static m => m.Data.AsString()));
    }

    /// <summary>A batch is delivered whole and in order.</summary>
    [Fact]
    public async Task PublishAsync_Batch_DeliveredInOrder()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var (publisher, reader) = await PublisherAndSubscriberAsync("batch");
        await publisher.PublishAsync([new ChannelMessage("a", "1"), new ChannelMessage("b", "2"), new ChannelMessage("c", "3")], Ct);
        var received = await reader.NextAsync(3, "the batch");
        Assert.Equal(["a", "b", "c"], received.Select(static m => m.Name));
        Assert.Equal(["1", "2", "3"], received.Select(static m => m.Data.AsString()));
    }

    /// <summary>Delivered messages carry a backend id, timestamp, the publisher's client id and connection id.</summary>
    [Fact]
    public async Task PublishAsync_DeliveredMessage_HasBackendFields()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var publisher = await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct);
        var subscriber = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var reader = Read(await subscriber.GetChannel("fields").SubscribeAsync(cancellationToken: Ct));
        var before = backend.TimeProvider.GetUtcNow();
        await publisher.GetChannel("fields").PublishAsync("greeting", "hi", Ct);
        var after = backend.TimeProvider.GetUtcNow();
        var message = await reader.NextAsync("the message");
        Assert.Equal("greeting", message.Name);
        Assert.Equal("hi", message.Data.AsString());
        Assert.False(string.IsNullOrEmpty(message.Id), "The backend must assign an id.");
        Assert.Equal("alice", message.ClientId);
        Assert.False(string.IsNullOrEmpty(message.ConnectionId), "The backend must fill in the connection id.");
        Assert.NotNull(message.Timestamp);
        AssertTimestampBetween(before, after, message.Timestamp.Value.ToUnixTimeMilliseconds());
    }

    /// <summary>Messages from different connections carry different connection ids; an anonymous publisher's carry no client id.</summary>
    [Fact]
    public async Task PublishAsync_TwoPublishers_DistinctConnectionIds()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var first = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var second = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var subscriber = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var reader = Read(await subscriber.GetChannel("conn").SubscribeAsync(cancellationToken: Ct));
        await first.GetChannel("conn").PublishAsync("one", "x", Ct);
        await second.GetChannel("conn").PublishAsync("two", "y", Ct);
        var received = await reader.NextAsync(2, "both messages");
        Assert.NotEqual(received[0].ConnectionId, received[1].ConnectionId);
        Assert.All(received, static m => Assert.Null(m.ClientId));
        Assert.NotEqual(received[0].Id, received[1].Id);
    }

    /// <summary>String, binary, JSON and empty payloads arrive as they were published.</summary>
    [Fact]
    public async Task PublishAsync_PayloadKinds_RoundTrip()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var (publisher, reader) = await PublisherAndSubscriberAsync("payloads");
        using var json = JsonDocument.Parse("""{"x":1,"list":[true,null,"s"],"nested":{"y":2.5}}""");
        using var array = JsonDocument.Parse("""[1,2,3]""");
        MessageData[] payloads =
        [
            "plain text ü😀",
            MessageData.FromBytes([0, 1, 2, 255, 254]),
            json.RootElement,
            array.RootElement,
            MessageData.None,
            MessageData.From(new ConformanceAddress("Paris", "75001")),
        ];
        foreach (var payload in payloads)
        {
            await publisher.PublishAsync("p", payload, Ct);
        }

        var received = await reader.NextAsync(payloads.Length, "every payload");
        for (var i = 0; i < payloads.Length; i++)
        {
            Assert.Equal(payloads[i].Kind, received[i].Data.Kind);
            Assert.True(payloads[i].Equals(received[i].Data), $"Payload {i} changed: sent {payloads[i]}, received {received[i].Data}.");
        }

        Assert.Equal(new ConformanceAddress("Paris", "75001"), received[^1].Data.GetValue<ConformanceAddress>());
    }

    /// <summary>Extras (JSON metadata such as headers) arrive as published.</summary>
    [Fact]
    public async Task PublishAsync_Extras_RoundTrip()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var (publisher, reader) = await PublisherAndSubscriberAsync("extras");
        using var extras = JsonDocument.Parse("""{"headers":{"trace":"abc","n":"1"}}""");
        await publisher.PublishAsync(new ChannelMessage("e", "d") { Extras = extras.RootElement.Clone() }, Ct);
        var message = await reader.NextAsync("the message with extras");
        Assert.NotNull(message.Extras);
        Assert.True(JsonElement.DeepEquals(extras.RootElement, message.Extras.Value), $"Extras changed: {message.Extras.Value.GetRawText()}");
    }

    /// <summary>A subscription filtered by event names delivers only those names (exact, case-sensitive).</summary>
    [Fact]
    public async Task SubscribeAsync_EventNameFilter_DeliversOnlyMatching()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var publisher = (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("filter");
        var subscriber = (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("filter");
        var reader = Read(await subscriber.SubscribeAsync(new ChannelSubscriptionOptions { EventNames = ["a", "c"] }, Ct));
        await publisher.PublishAsync([new ChannelMessage("a", "1"), new ChannelMessage("b", "2"), new ChannelMessage(null, "3"), new ChannelMessage("A", "4")], Ct);
        await publisher.PublishAsync("c", "5", Ct);
        var received = await reader.NextAsync(2, "the messages named a and c");
        Assert.Equal(["a", "c"], received.Select(static m => m.Name));
        Assert.Equal(["1", "5"], received.Select(static m => m.Data.AsString()));
    }

    /// <summary>The params helper subscribes to the given event names.</summary>
    [Fact]
    public async Task SubscribeAsync_NamesHelper_FiltersLikeOptions()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var publisher = (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("names");
        var subscriber = (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("names");
        var reader = Read(await subscriber.SubscribeAsync("wanted"));
        await publisher.PublishAsync("unwanted", "x", Ct);
        await publisher.PublishAsync("wanted", "y", Ct);
        Assert.Equal("y", (await reader.NextAsync("the wanted message")).Data.AsString());
    }

    /// <summary>Every subscriber, on every client, receives every message.</summary>
    [Fact]
    public async Task SubscribeAsync_SeveralSubscribers_AllReceive()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var publisher = (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("fanout");
        var other = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var readers = new[]
        {
            Read(await other.GetChannel("fanout").SubscribeAsync(cancellationToken: Ct)),
            Read(await other.GetChannel("fanout").SubscribeAsync(cancellationToken: Ct)),
            Read(await (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("fanout").SubscribeAsync(cancellationToken: Ct)),
        };
        await publisher.PublishAsync("x", "1", Ct);
        await publisher.PublishAsync("x", "2", Ct);
        foreach (var reader in readers)
        {
            Assert.Equal(["1", "2"], (await reader.NextAsync(2, "both messages")).Select(static m => m.Data.AsString()));
        }
    }

    /// <summary>A new subscription does not receive messages published before it was attached.</summary>
    [Fact]
    public async Task SubscribeAsync_AfterPublish_DoesNotReplayEarlierMessages()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var publisher = (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("late");
        await publisher.PublishAsync("early", "1", Ct);
        var reader = Read(await (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("late").SubscribeAsync(cancellationToken: Ct));
        await publisher.PublishAsync("late", "2", Ct);
        Assert.Equal("late", (await reader.NextAsync("the message published after subscribing")).Name);
    }

    /// <summary>Disposing a subscription ends its stream; other subscriptions keep receiving.</summary>
    [Fact]
    public async Task SubscribeAsync_Disposed_EndsStreamOnly()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var channel = client.GetChannel("unsub");
        var gone = await channel.SubscribeAsync(cancellationToken: Ct);
        var goneReader = Read(gone);
        var stays = Read(await channel.SubscribeAsync(cancellationToken: Ct));
        await gone.DisposeAsync();
        await channel.PublishAsync("after", "x", Ct);
        Assert.Equal("after", (await stays.NextAsync("the message on the remaining subscription")).Name);
        Assert.Null(await goneReader.AssertEndsAsync());
    }

    /// <summary>A message id published twice is delivered (and kept) once; publishing it again is accepted.</summary>
    [Fact]
    public async Task PublishAsync_SameIdTwice_DeliveredOnce()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var (publisher, reader) = await PublisherAndSubscriberAsync("idempotent");
        await publisher.PublishAsync(new ChannelMessage("first", "1") { Id = "idem-1" }, Ct);
        await publisher.PublishAsync(new ChannelMessage("first", "1") { Id = "idem-1" }, Ct);
        await publisher.PublishAsync(new ChannelMessage("second", "2") { Id = "idem-2" }, Ct);
        var received = await reader.NextAsync(2, "each id once");
        Assert.Equal(["idem-1", "idem-2"], received.Select(static m => m.Id));
        Assert.Equal(["first", "second"], received.Select(static m => m.Name));
    }

    /// <summary>A message over the size limit is refused with <see cref="MessageTooLargeException"/> (40009) and not delivered.</summary>
    [Fact]
    public async Task PublishAsync_OverSizeLimit_ThrowsMessageTooLargeAndDeliversNothing()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var publisher = (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("size");
        var reader = Read(await (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("size").SubscribeAsync(cancellationToken: Ct));
        var tooBig = new ChannelMessage("big", new string('x', backend.MaxMessageSize - 3 + 1));
        Assert.Equal(backend.MaxMessageSize + 1, tooBig.GetSize());
        var ex = await Assert.ThrowsAnyAsync<MessageTooLargeException>(() => publisher.PublishAsync(tooBig, Ct).AsTask());
        Assert.Equal("40009", ex.ErrorCode);
        await publisher.PublishAsync("sentinel", "s", Ct);
        Assert.Equal("sentinel", (await reader.NextAsync("the sentinel")).Name);
    }

    /// <summary>A message of exactly the size limit (name, data, client id and extras counted in UTF-8 bytes) is accepted.</summary>
    [Fact]
    public async Task PublishAsync_AtSizeLimit_IsAccepted()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var publisher = (await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("me"), Ct)).GetChannel("size");
        var reader = Read(await (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("size").SubscribeAsync(cancellationToken: Ct));
        var data = new StringBuilder().Append('é', 100).Append('y', backend.MaxMessageSize - 3 - 2 - 200).ToString();
        var atLimit = new ChannelMessage("big", data) { ClientId = "me" };
        Assert.Equal(backend.MaxMessageSize, atLimit.GetSize());
        await publisher.PublishAsync(atLimit, Ct);
        Assert.Equal(data, (await reader.NextAsync("the message at the limit")).Data.AsString());
        var over = atLimit with { Data = data + "z" };
        await Assert.ThrowsAnyAsync<MessageTooLargeException>(() => publisher.PublishAsync(over, Ct).AsTask());
    }

    /// <summary>A batch holding an oversized message is refused whole: none of it is delivered.</summary>
    [Fact]
    public async Task PublishAsync_BatchWithOversizedMessage_PublishesNothing()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var publisher = (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("atomic");
        var reader = Read(await (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("atomic").SubscribeAsync(cancellationToken: Ct));
        var batch = new[] { new ChannelMessage("small", "ok"), new ChannelMessage("big", new string('x', backend.MaxMessageSize + 10)) };
        await Assert.ThrowsAnyAsync<MessageTooLargeException>(() => publisher.PublishAsync(batch, Ct).AsTask());
        await publisher.PublishAsync("sentinel", "s", Ct);
        Assert.Equal("sentinel", (await reader.NextAsync("the sentinel")).Name);
    }

    /// <summary>Invalid channel names are refused with <see cref="RealtimeValidationException"/> (40010) naming them.</summary>
    /// <param name="name">The invalid name.</param>
    [Theory]
    [InlineData("")]
    [InlineData("[meta]channel")]
    [InlineData(":leading-colon")]
    [InlineData("control\u0001char")]
    public async Task GetChannel_InvalidName_IsRefused(string name)
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var ex = Assert.ThrowsAny<RealtimeValidationException>(() => client.GetChannel(name));
        Assert.Equal("40010", ex.ErrorCode);
        Assert.Contains("channel name", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The same name gives the same channel instance; names with namespaces and unicode are valid.</summary>
    [Fact]
    public async Task GetChannel_SameName_SameInstance()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var channel = client.GetChannel("ns:room-1");
        Assert.Same(channel, client.GetChannel("ns:room-1"));
        Assert.Equal("ns:room-1", channel.Name);
        Assert.Equal("unicode ✓ name", client.GetChannel("unicode ✓ name").Name);
    }

    /// <summary>
    /// Releasing a channel ends its subscriptions, makes the released instance refuse use with
    /// <see cref="ObjectDisposedException"/>, and a later <see cref="IChannelClient.GetChannel"/> returns a new instance
    /// that works; other clients of the channel are not affected.
    /// </summary>
    [Fact]
    public async Task ReleaseChannelAsync_EndsSubscriptionsAndGetChannelReturnsANewInstance()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var other = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var released = client.GetChannel("short-lived");
        var ended = Read(await released.SubscribeAsync(cancellationToken: Ct));
        var stays = Read(await other.GetChannel("short-lived").SubscribeAsync(cancellationToken: Ct));

        await client.ReleaseChannelAsync("short-lived", Ct);

        Assert.Null(await ended.AssertEndsAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await released.PublishAsync("n", "x", Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await released.SubscribeAsync(cancellationToken: Ct));
        var again = client.GetChannel("short-lived");
        Assert.NotSame(released, again);
        var reader = Read(await again.SubscribeAsync(cancellationToken: Ct));
        await again.PublishAsync("after", "y", Ct);
        Assert.Equal("after", (await reader.NextAsync("the message on the new instance")).Name);
        Assert.Equal("after", (await stays.NextAsync("the message on the other client")).Name);
    }

    /// <summary>Releasing a channel the client never used, or twice, does nothing; an invalid name is refused.</summary>
    [Fact]
    public async Task ReleaseChannelAsync_UnusedOrTwice_DoesNothing()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        await client.ReleaseChannelAsync("never-used", Ct);
        _ = client.GetChannel("twice");
        await client.ReleaseChannelAsync("twice", Ct);
        await client.ReleaseChannelAsync("twice", Ct);

        await Assert.ThrowsAnyAsync<RealtimeValidationException>(async () => await client.ReleaseChannelAsync(string.Empty, Ct));
    }

    /// <summary>Channels are separate and their names case-sensitive: a message on one never reaches another.</summary>
    [Fact]
    public async Task Channels_AreSeparateAndCaseSensitive()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var publisher = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var reader = Read(await (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("room").SubscribeAsync(cancellationToken: Ct));
        await publisher.GetChannel("Room").PublishAsync("wrong", "1", Ct);
        await publisher.GetChannel("room2").PublishAsync("wrong", "2", Ct);
        await publisher.GetChannel("room").PublishAsync("right", "3", Ct);
        Assert.Equal("right", (await reader.NextAsync("the message on the subscribed channel")).Name);
    }

    /// <summary>Backends are isolated: a message on one backend never reaches another backend's subscribers.</summary>
    [Fact]
    public async Task Backends_AreIsolated()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var first = await NewBackendAsync();
        var second = await NewBackendAsync();
        var reader = Read(await (await first.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("iso").SubscribeAsync(cancellationToken: Ct));
        await (await second.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("iso").PublishAsync("other backend", "x", Ct);
        await (await first.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("iso").PublishAsync("same backend", "y", Ct);
        Assert.Equal("same backend", (await reader.NextAsync("the message from the same backend")).Name);
    }

    /// <summary>A message whose client id differs from the publishing client's is refused with <see cref="RealtimeValidationException"/>; the matching id is accepted.</summary>
    [Fact]
    public async Task PublishAsync_ForeignClientId_IsRefused()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var publisher = (await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("alice"), Ct)).GetChannel("ids");
        var reader = Read(await (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("ids").SubscribeAsync(cancellationToken: Ct));
        await Assert.ThrowsAnyAsync<RealtimeValidationException>(() => publisher.PublishAsync(new ChannelMessage("m", "x") { ClientId = "mallory" }, Ct).AsTask());
        await publisher.PublishAsync(new ChannelMessage("ok", "y") { ClientId = "alice" }, Ct);
        var message = await reader.NextAsync("the accepted message");
        Assert.Equal("ok", message.Name);
        Assert.Equal("alice", message.ClientId);
    }

    /// <summary>A publish with a cancelled token throws <see cref="OperationCanceledException"/>.</summary>
    [Fact]
    public async Task PublishAsync_CancelledToken_Throws()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var channel = (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("cancel");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channel.PublishAsync("x", "y", cts.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channel.SubscribeAsync(cancellationToken: cts.Token).AsTask());
    }

    /// <summary>The callback helper delivers messages in order until disposed.</summary>
    [Fact]
    public async Task ListenAsync_Callback_ReceivesInOrder()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var publisher = (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("callback");
        var received = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = await (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("callback").ListenAsync((m, _) =>
        {
            lock (received)
            {
                received.Add(m.Data.AsString());
                if (received.Count == 3)
                {
                    done.TrySetResult();
                }
            }

            return default;
        }, onError: ex => done.TrySetException(ex), cancellationToken: Ct);
        await using (listener)
        {
            for (var i = 0; i < 3; i++)
            {
                await publisher.PublishAsync("n", i.ToString(System.Globalization.CultureInfo.InvariantCulture), Ct);
            }

            await done.Task.WaitAsync(Fixture.EventTimeout, Ct);
        }

        Assert.Equal(["0", "1", "2"], received);
    }

    private async Task<(IChannel Publisher, SubscriptionReader<ChannelMessage> Reader)> PublisherAndSubscriberAsync(string channelName)
    {
        var backend = await NewBackendAsync();
        var publisher = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var subscriber = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var reader = Read(await subscriber.GetChannel(channelName).SubscribeAsync(cancellationToken: Ct));
        return (publisher.GetChannel(channelName), reader);
    }
}
