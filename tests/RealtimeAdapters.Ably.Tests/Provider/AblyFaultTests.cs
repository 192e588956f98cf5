using Microsoft.Extensions.Time.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>
/// The connection and channel state machines against faults injected by the emulator: dropped transports, server
/// DISCONNECTED, expired connection state, server DETACHED, refused connection attempts.
/// </summary>
public sealed class AblyFaultTests : AblyEmulatorTest
{
    private AblyChannelClient NewClient(TimeProvider? time = null, string? clientId = null, bool binary = false) =>
        new(ClientOptions(time, clientId, binary));

    private static AblyChannelClientOptions With(AblyChannelClientOptions options, Action<AblyChannelClientOptions> change)
    {
        change(options);
        return options;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DroppedTransport_Resumes_SameConnection_NothingLostNothingDuplicated(bool binary)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var subscriber = NewClient(time, binary: binary);
        await using var publisher = NewClient(binary: binary);
        var subscription = await subscriber.GetChannel("resume").SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);
        await publisher.GetChannel("resume").PublishAsync("n", "before", Ct);
        Assert.Equal("before", await NextTextAsync(reader));

        var id = subscriber.ConnectionId!;
        var states = subscriber.Connection.WatchState().GetAsyncEnumerator(Ct);
        var channelStates = subscriber.WatchChannelStates().GetAsyncEnumerator(Ct);

        // The immediate resume is refused once, so the client waits for its backoff while the publisher goes on.
        Emulator.AblyFaults.RefuseConnections = 1;
        Assert.True(await Emulator.AblyFaults.DropTransportAsync(id));
        var disconnected = await states.NextAsync(s => s.Current == ConnectionState.Disconnected && s.RetryAt > time.GetUtcNow());
        for (var i = 0; i < 5; i++)
        {
            await publisher.GetChannel("resume").PublishAsync("n", "while-away-" + i, Ct);
        }

        time.Advance(disconnected.RetryAt!.Value - time.GetUtcNow());
        var connected = await states.NextAsync(s => s.Current == ConnectionState.Connected);
        Assert.Null(connected.Reason);
        Assert.Equal(id, subscriber.ConnectionId);

        await publisher.GetChannel("resume").PublishAsync("n", "after", Ct);
        string[] expected = ["while-away-0", "while-away-1", "while-away-2", "while-away-3", "while-away-4", "after"];
        foreach (var text in expected)
        {
            Assert.Equal(text, await NextTextAsync(reader));
        }

        // A resumed re-attach is silent (RTL12 reports only discontinuities), and the channel stayed attached throughout.
        Assert.False(channelStates.MoveNextAsync().AsTask().IsCompleted, "no channel state change on a resumed attach");
        Assert.Equal(AblyChannelState.Attached, subscriber.GetChannelState("resume"));
    }

    [Fact]
    public async Task DroppedTransport_WithUnacknowledgedPublishes_ResendsThem_EachDeliveredOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var publisher = NewClient(time);
        await using var subscriber = NewClient();
        var subscription = await subscriber.GetChannel("resend").SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);
        await publisher.Connection.ConnectAsync(Ct);
        var states = publisher.Connection.WatchState().GetAsyncEnumerator(Ct);

        Emulator.AblyFaults.RefuseConnections = 1;
        var sends = new List<Task>();
        for (var i = 0; i < 20; i++)
        {
            sends.Add(publisher.GetChannel("resend").PublishAsync("n", "m" + i, Ct).AsTask());
            if (i == 9)
            {
                Assert.True(await Emulator.AblyFaults.DropTransportAsync(publisher.ConnectionId!));
            }
        }

        var disconnected = await states.NextAsync(s => s.Current == ConnectionState.Disconnected && s.RetryAt > time.GetUtcNow());
        time.Advance(disconnected.RetryAt!.Value - time.GetUtcNow());
        try
        {
            await Task.WhenAll(sends).WaitAsync(Wait, Ct);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"unfinished: {string.Join(",", sends.Select((t, i) => (t, i)).Where(x => !x.t.IsCompleted).Select(x => x.i))}; pending {((Realtime.AblyRealtimeConnection)publisher.Connection).PendingCount}, state {publisher.Connection.State}");
        }

        var seen = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            seen.Add(await NextTextAsync(reader));
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => "m" + i), seen);
        await publisher.GetChannel("resend").PublishAsync("n", "end", Ct);
        Assert.Equal("end", await NextTextAsync(reader));
    }

    [Fact]
    public async Task RecoveryKey_NewClientInstance_TakesOverTheConnection_AndGetsWhatWasSentMeanwhile()
    {
        await using var publisher = NewClient();
        var first = NewClient();
        var subscription = await first.GetChannel("recover").SubscribeAsync(cancellationToken: Ct);
        await using (var reader = subscription.GetAsyncEnumerator(Ct))
        {
            await publisher.GetChannel("recover").PublishAsync("n", "before", Ct);
            Assert.Equal("before", await NextTextAsync(reader));
        }

        var recoveryKey = first.CreateRecoveryKey();
        Assert.NotNull(recoveryKey);
        var id = first.ConnectionId!;

        // The first instance "crashes": its transport is cut and it never comes back (no CLOSE reaches the server).
        Emulator.AblyFaults.RefuseConnections = 1000;
        Assert.True(await Emulator.AblyFaults.DropTransportAsync(id));
        await first.DisposeAsync();
        await publisher.GetChannel("recover").PublishAsync("n", "while-restarting", Ct);
        Emulator.AblyFaults.RefuseConnections = 0;

        await using var second = new AblyChannelClient(With(ClientOptions(), o => { o.RecoveryKey = recoveryKey; }));
        var resumed = await second.GetChannel("recover").SubscribeAsync(cancellationToken: Ct);
        await using var recoveredReader = resumed.GetAsyncEnumerator(Ct);
        Assert.Equal(id, second.ConnectionId);
        Assert.Null(second.Connection.LastChange?.Reason);
        Assert.Equal("while-restarting", await NextTextAsync(recoveredReader));
        await second.GetChannel("recover").PublishAsync("n", "from-second", Ct).AsTask().WaitAsync(Wait, Ct);
        Assert.Equal("from-second", await NextTextAsync(recoveredReader));
    }

    [Fact]
    public async Task RecoveryKey_Expired_StartsNewConnection_ReportingContinuityLoss()
    {
        var first = NewClient();
        await first.Connection.ConnectAsync(Ct);
        var recoveryKey = first.CreateRecoveryKey()!;
        var id = first.ConnectionId!;
        await first.DisposeAsync();

        await using var second = new AblyChannelClient(With(ClientOptions(), o => { o.RecoveryKey = recoveryKey; }));
        await second.Connection.ConnectAsync(Ct);
        Assert.NotEqual(id, second.ConnectionId);
        Assert.Contains("continuity", second.Connection.LastChange?.Reason?.Message, StringComparison.OrdinalIgnoreCase);
        await second.GetChannel("after").PublishAsync("n", "works", Ct).AsTask().WaitAsync(Wait, Ct);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"connectionKey\":\"k\",\"msgSerial\":-1}")]
    public void RecoveryKey_Malformed_RefusedNamingTheOption(string key)
    {
        var ex = Assert.ThrowsAny<RealtimeValidationException>(() => new AblyChannelClient(With(ClientOptions(), o => { o.RecoveryKey = key; })));
        Assert.Contains("RecoveryKey", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RepeatedDrops_WhileManyPublishersPipeline_EveryMessageOnceInPublishOrder(bool binary)
    {
        await using var publisher = NewClient(binary: binary);
        await using var subscriber = NewClient(binary: binary);
        var subscription = await subscriber.GetChannel("storm").SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);
        await publisher.Connection.ConnectAsync(Ct);

        const int Publishers = 4;
        const int PerPublisher = 60;
        var sends = new List<Task>();
        for (var i = 0; i < PerPublisher; i++)
        {
            for (var p = 0; p < Publishers; p++)
            {
                sends.Add(publisher.GetChannel("storm").PublishAsync("p" + p, i.ToString(System.Globalization.CultureInfo.InvariantCulture), Ct).AsTask());
            }

            // Cut the publisher's transport three times while publishes are in flight; it resumes each time.
            if (i is 15 or 30 or 45 && publisher.ConnectionId is { } id)
            {
                await Emulator.AblyFaults.DropTransportAsync(id);
            }
        }

        await Task.WhenAll(sends).WaitAsync(Wait * 3, Ct);
        var next = new int[Publishers];
        for (var n = 0; n < Publishers * PerPublisher; n++)
        {
            Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct), "the subscription ended");
            var p = reader.Current.Name![1] - '0';
            Assert.Equal(next[p].ToString(System.Globalization.CultureInfo.InvariantCulture), reader.Current.Data.AsString());
            next[p]++;
        }

        // Nothing beyond: a marker published last is the very next message.
        await publisher.GetChannel("storm").PublishAsync("end", "end", Ct);
        Assert.Equal("end", await NextTextAsync(reader));
    }

    [Fact]
    public async Task Connect_PrimaryUnreachable_UsesFallback_WithoutLeavingConnecting_AndResumesThroughIt()
    {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        var options = ClientOptions();
        options.Endpoint = new Uri("http://127.0.0.1:1/");
        options.FallbackEndpoints = [Emulator.AblyUrl];
        await using var client = new AblyChannelClient(options);
        var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);

        await client.Connection.ConnectAsync(Ct).AsTask().WaitAsync(Wait, Ct);
        Assert.Equal(ConnectionState.Connecting, (await states.NextAsync(_ => true)).Current);
        Assert.Equal(ConnectionState.Connected, (await states.NextAsync(_ => true)).Current);

        var id = client.ConnectionId!;
        Assert.True(await Emulator.AblyFaults.DropTransportAsync(id));
        await states.NextAsync(ConnectionState.Connected);
        Assert.Equal(id, client.ConnectionId);
    }

    [Fact]
    public void FallbackEndpoints_DefaultEndpointOnly_GetsTheHostedFallbacks()
    {
        Assert.Equal(5, new AblyChannelClientOptions().EffectiveFallbacks().Count);
        Assert.All(new AblyChannelClientOptions().EffectiveFallbacks(), u => Assert.EndsWith(".fallback.ably-realtime.com", u.Host, StringComparison.Ordinal));
        Assert.Empty(ClientOptions().EffectiveFallbacks());
    }

    [Fact]
    public async Task ServerDisconnected_ResumesAtOnce_SameConnection()
    {
        await using var client = NewClient();
        await client.Connection.ConnectAsync(Ct);
        var id = client.ConnectionId!;
        var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);
        Assert.True(await Emulator.AblyFaults.DisconnectAsync(id, 80003, "going away"));
        var disconnected = await states.NextAsync(s => s.Current == ConnectionState.Disconnected);
        Assert.Equal("80003", disconnected.Reason?.ErrorCode);
        Assert.Contains("going away", disconnected.Reason!.Message, StringComparison.Ordinal);
        await states.NextAsync(s => s.Current == ConnectionState.Connected);
        Assert.Equal(id, client.ConnectionId);
    }

    [Fact]
    public async Task ResumeFails_NewConnection_ReportsContinuityLoss_ReattachesAndReentersPresence()
    {
        await using var client = NewClient(clientId: "alice");
        await using var observer = NewClient();
        var channel = client.GetChannel("room");
        var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);
        await channel.Presence.EnterAsync("hello", Ct);
        var id = client.ConnectionId!;
        var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);

        Assert.True(Emulator.AblyFaults.ForgetConnection(id));
        Assert.True(await Emulator.AblyFaults.DropTransportAsync(id));

        var connected = await states.NextAsync(s => s.Current == ConnectionState.Connected);
        Assert.NotEqual(id, client.ConnectionId);
        Assert.NotNull(connected.Reason);
        Assert.Contains("continuity", connected.Reason.Message, StringComparison.OrdinalIgnoreCase);
        // The same subscription keeps receiving on the new connection (the channel itself resumed from its serial), and
        // alice, whose membership belonged to the old connection, is present again.
        await observer.GetChannel("room").PublishAsync("n", "on-new-connection", Ct);
        Assert.Equal("on-new-connection", await NextTextAsync(reader));
        var members = await WaitForMembersAsync(observer.GetChannel("room"), m => m.Any(p => p.ClientId == "alice" && p.ConnectionId == client.ConnectionId));
        Assert.Equal("hello", members.Single(p => p.ClientId == "alice" && p.ConnectionId == client.ConnectionId).Data.AsString());
    }

    [Fact]
    public async Task Suspended_ThenReconnected_ChannelReattachesWithContinuityLost_PresenceGetFailsWhileSuspended()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = NewClient(time, clientId: "sam");
        await using var publisher = NewClient();
        var channel = client.GetChannel("susp");
        var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);
        await channel.Presence.EnterAsync("here", Ct);
        var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);
        var channelStates = client.WatchChannelStates().GetAsyncEnumerator(Ct);

        await publisher.Connection.ConnectAsync(Ct);
        Emulator.AblyFaults.RefuseConnections = 1000;
        Assert.True(await Emulator.AblyFaults.DropTransportAsync(client.ConnectionId!));
        while (client.Connection.State != ConnectionState.Suspended)
        {
            var change = await states.NextAsync(s => s.Current is ConnectionState.Disconnected or ConnectionState.Suspended);
            if (change.Current == ConnectionState.Disconnected && change.RetryAt > time.GetUtcNow())
            {
                time.Advance(change.RetryAt.Value - time.GetUtcNow());
            }
        }

        var suspended = await channelStates.NextAsync(c => c.Current == AblyChannelState.Suspended);
        Assert.Equal("80002", suspended.Reason?.ErrorCode);
        var outOfSync = await Assert.ThrowsAnyAsync<RealtimeException>(() => channel.Presence.GetAsync(Ct).AsTask().WaitAsync(Wait, Ct));
        Assert.Equal("91005", outOfSync.ErrorCode);

        await publisher.GetChannel("susp").PublishAsync("n", "missed-while-suspended", Ct).AsTask().WaitAsync(Wait, Ct);
        Emulator.AblyFaults.RefuseConnections = 0;
        time.Advance(TimeSpan.FromSeconds(30));
        await states.NextAsync(s => s.Current == ConnectionState.Connected);
        var attached = await channelStates.NextAsync(c => c.Current == AblyChannelState.Attached);
        Assert.True(attached.ContinuityLost);
        Assert.False(attached.Resumed);

        await publisher.GetChannel("susp").PublishAsync("n", "after", Ct);
        Assert.Equal("after", await NextTextAsync(reader));
        var members = await WaitForMembersAsync(publisher.GetChannel("susp"), m => m.Any(p => p.ClientId == "sam" && p.ConnectionId == client.ConnectionId));
        Assert.Equal("here", members.Single(p => p.ClientId == "sam" && p.ConnectionId == client.ConnectionId).Data.AsString());
    }

    [Fact]
    public async Task Attach_Unanswered_TimesOutToSuspended_ThenRetriesAfterChannelRetryTimeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);

        // A short channel retry keeps the fake clock's total advance below the idle timeout (maxIdleInterval + 10 s).
        await using var client = new AblyChannelClient(With(ClientOptions(time), o => { o.ChannelRetryTimeout = TimeSpan.FromSeconds(5); }));
        await using var publisher = NewClient();
        await client.Connection.ConnectAsync(Ct);
        var channelStates = client.WatchChannelStates().GetAsyncEnumerator(Ct);
        Emulator.AblyFaults.IgnoreAttaches = 1;

        var subscribe = client.GetChannel("slow").SubscribeAsync(cancellationToken: Ct).AsTask();
        await channelStates.NextAsync(c => c.Current == AblyChannelState.Attaching);
        time.Advance(Wait);
        var timedOut = await Assert.ThrowsAnyAsync<RealtimeException>(() => subscribe.WaitAsync(Wait, Ct));
        Assert.Equal("90007", timedOut.ErrorCode);
        var suspended = await channelStates.NextAsync(c => c.Current == AblyChannelState.Suspended);
        Assert.Equal("90007", suspended.Reason?.ErrorCode);

        // RTL13b: retried after channelRetryTimeout (× jitter 0.8–1); this time the server answers.
        time.Advance(TimeSpan.FromSeconds(5));
        await channelStates.NextAsync(c => c.Current == AblyChannelState.Attaching);
        await channelStates.NextAsync(c => c.Current == AblyChannelState.Attached);
        var subscription = await client.GetChannel("slow").SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);
        await publisher.GetChannel("slow").PublishAsync("n", "finally", Ct);
        Assert.Equal("finally", await NextTextAsync(reader));
    }

    [Fact]
    public async Task ServerDetached_ReattachesAtOnce_SubscriptionContinues()
    {
        await using var client = NewClient();
        await using var publisher = NewClient();
        var subscription = await client.GetChannel("detach").SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);
        var channelStates = client.WatchChannelStates().GetAsyncEnumerator(Ct);

        Assert.True(await Emulator.AblyFaults.DetachChannelAsync(client.ConnectionId!, "detach", 90198, "maintenance"));
        var attaching = await channelStates.NextAsync(c => c.Current == AblyChannelState.Attaching);
        Assert.Equal(AblyChannelState.Attached, attaching.Previous);
        Assert.Contains("maintenance", attaching.Reason?.Message, StringComparison.Ordinal);
        await channelStates.NextAsync(c => c.Current == AblyChannelState.Attached);

        await publisher.GetChannel("detach").PublishAsync("n", "after-detach", Ct);
        Assert.Equal("after-detach", await NextTextAsync(reader));
    }

    [Fact]
    public async Task DetachAsync_StopsDelivery_UntilNextSubscribe()
    {
        await using var client = NewClient();
        await using var publisher = NewClient();
        var subscription = await client.GetChannel("d").SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);
        await client.DetachAsync("d", Ct);
        Assert.Equal(AblyChannelState.Detached, client.GetChannelState("d"));
        await publisher.GetChannel("d").PublishAsync("n", "missed", Ct);

        await client.GetChannel("d").SubscribeAsync(cancellationToken: Ct);
        Assert.Equal(AblyChannelState.Attached, client.GetChannelState("d"));
        await publisher.GetChannel("d").PublishAsync("n", "seen", Ct);
        Assert.Equal("seen", await NextTextAsync(reader));
    }

    [Fact]
    public async Task ConnectAsync_RefusedAttempts_RetriesWithBackoff_ThenConnects()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = NewClient(time);
        var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);
        Emulator.AblyFaults.RefuseConnections = 3;
        var first = await Assert.ThrowsAnyAsync<RealtimeConnectionException>(() => client.Connection.ConnectAsync(Ct).AsTask().WaitAsync(Wait, Ct));
        Assert.True(first.IsRetryable);

        var retries = 0;
        var seen = new List<string>();
        while (true)
        {
            var change = await states.NextAsync(s => s.Current is ConnectionState.Disconnected or ConnectionState.Connected);
            seen.Add($"{change.Current} {change.RetryAt - time.GetUtcNow()} {change.Reason?.Message}");
            if (change.Current == ConnectionState.Connected)
            {
                break;
            }

            retries++;
            time.Advance(change.RetryAt!.Value - time.GetUtcNow());
        }

        Assert.True(retries == 3, string.Join(Environment.NewLine, seen));
        Assert.Equal(ConnectionState.Connected, client.Connection.State);
    }

    [Fact]
    public async Task ConnectAsync_WhileWaitingForRetry_RetriesNow()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = NewClient(time);
        var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);
        Emulator.AblyFaults.RefuseConnections = 1;
        await Assert.ThrowsAnyAsync<RealtimeConnectionException>(() => client.Connection.ConnectAsync(Ct).AsTask().WaitAsync(Wait, Ct));
        await states.NextAsync(s => s.Current == ConnectionState.Disconnected);

        // No time passes: the explicit connect does not wait for the backoff.
        await client.Connection.ConnectAsync(Ct).AsTask().WaitAsync(Wait, Ct);
        Assert.Equal(ConnectionState.Connected, client.Connection.State);
    }

    private static async Task<IReadOnlyList<PresenceMessage>> WaitForMembersAsync(IChannel channel, Func<IReadOnlyList<PresenceMessage>, bool> condition)
    {
        var events = await channel.Presence.SubscribeAsync(cancellationToken: Ct);
        await using var reader = events.GetAsyncEnumerator(Ct);
        var members = await channel.Presence.GetAsync(Ct);
        while (!condition(members))
        {
            Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
            members = await channel.Presence.GetAsync(Ct);
        }

        return members;
    }

    private static async Task<string> NextTextAsync(IAsyncEnumerator<ChannelMessage> reader)
    {
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct), "the subscription ended");
        return reader.Current.Data.AsString()!;
    }
}
