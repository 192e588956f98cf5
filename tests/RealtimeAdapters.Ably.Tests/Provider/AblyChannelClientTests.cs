using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyChannelClientTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<RealtimeEmulator> StartEmulatorAsync(Action<AblyEmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } };
        configure?.Invoke(options.Ably);
        return await RealtimeEmulator.StartAsync(options, Ct);
    }

    private static AblyChannelClient NewClient(RealtimeEmulator emulator, string? key = null, bool binary = false, string? clientId = null) =>
        new(new AblyChannelClientOptions
        {
            Endpoint = emulator.AblyUrl,
            Key = key ?? emulator.AblyKeys[0],
            UseBinaryProtocol = binary,
            ClientId = clientId,
            RealtimeRequestTimeout = Wait,
        });

    [Theory]
    [InlineData(null, "app.key:secret")]
    [InlineData("ftp://127.0.0.1/", "app.key:secret")]
    [InlineData("http://example.com/", "app.key:secret")]
    public void Constructor_InvalidEndpoint_ThrowsValidation(string? endpoint, string? key)
    {
        var options = new AblyChannelClientOptions { Endpoint = endpoint is null ? null : new Uri(endpoint), Key = key };
        var ex = Assert.ThrowsAny<RealtimeValidationException>(() => new AblyChannelClient(options));
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData(null)]
    public void Constructor_InvalidKey_ThrowsAuthenticationError40005(string? key)
    {
        var options = new AblyChannelClientOptions { Endpoint = new Uri("http://127.0.0.1:1/"), Key = key };
        var ex = Assert.ThrowsAny<RealtimeAuthenticationException>(() => new AblyChannelClient(options));
        Assert.Equal("40005", ex.ErrorCode);
    }

    [Fact]
    public void Metadata_ClaimsOnlyWhatIsImplemented()
    {
        Assert.Equal(
            RealtimeCapabilities.Channels | RealtimeCapabilities.History | RealtimeCapabilities.EchoSuppression | RealtimeCapabilities.Presence,
            new AblyChannelClient(new AblyChannelClientOptions { Endpoint = new Uri("http://127.0.0.1:1/"), Key = "a.b:c" }).Metadata.Capabilities);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PublishAsync_OverServerMaxMessageSize_ThrowsMessageTooLargeLocally(bool binary)
    {
        await using var emulator = await StartEmulatorAsync(o => o.MaxMessageSize = 100);
        await using var client = NewClient(emulator, binary: binary);
        await client.Connection.ConnectAsync(Ct);
        Assert.Equal(ConnectionState.Connected, client.Connection.State);
        var channel = client.GetChannel("size");
        var ex = await Assert.ThrowsAsync<MessageTooLargeException>(() => channel.PublishAsync("n", new string('x', 100), Ct).AsTask());
        Assert.Equal(100, ex.Limit);
        Assert.Equal("40009", ex.ErrorCode);
        await channel.PublishAsync("n", new string('x', 99), Ct);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PublishAsync_WithoutPublishCapability_FailsWithPermissionErrorFromNack(bool binary)
    {
        await using var emulator = await StartEmulatorAsync(o =>
        {
            o.Keys.Add(AblyEmulatorOptions.DefaultKey);
            o.Keys.Add("emulator.reader:reader-secret={\"*\":[\"subscribe\",\"history\"]}");
        });
        await using var client = NewClient(emulator, key: "emulator.reader:reader-secret", binary: binary);
        var ex = await Assert.ThrowsAnyAsync<RealtimePermissionException>(() => client.GetChannel("ro").PublishAsync("n", "x", Ct).AsTask().WaitAsync(Wait, Ct));
        Assert.Equal("Ably", ex.ProviderName);
        Assert.StartsWith("40", ex.ErrorCode, StringComparison.Ordinal);
        Assert.Equal(ConnectionState.Connected, client.Connection.State);
    }

    [Fact]
    public async Task ServerGone_RetriesWithBackoff_QueuesPublishes_ThenSuspendedFailsThem()
    {
        var emulator = await StartEmulatorAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = new AblyChannelClient(new AblyChannelClientOptions
        {
            Endpoint = emulator.AblyUrl,
            Key = emulator.AblyKeys[0],
            TimeProvider = time,
            RealtimeRequestTimeout = Wait,
        });
        var subscription = await client.GetChannel("lost").SubscribeAsync(cancellationToken: Ct);
        var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);
        await emulator.DisposeAsync();

        // The first retry after losing an established connection is immediate; later ones wait 15 s × backoff × jitter.
        var change = await states.NextAsync(ConnectionState.Disconnected);
        Assert.IsType<RealtimeConnectionException>(change.Reason, exactMatch: false);
        var queued = client.GetChannel("lost").PublishAsync("n", "x", Ct).AsTask();
        var delays = new List<TimeSpan>();
        while (true)
        {
            change = await states.NextAsync(ConnectionState.Disconnected, ConnectionState.Suspended);
            if (change.Current == ConnectionState.Suspended)
            {
                break;
            }

            Assert.NotNull(change.RetryAt);
            var delay = change.RetryAt.Value - time.GetUtcNow();
            delays.Add(delay);
            Assert.False(queued.IsCompleted, "a publish made while disconnected waits for the connection");
            time.Advance(delay);
        }

        Assert.InRange(delays[0], TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(15));
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(30)));
        Assert.True(delays[^1] > TimeSpan.FromSeconds(20), "the backoff grows to twice the base delay");
        Assert.Equal(ConnectionState.Suspended, client.Connection.State);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(30), change.RetryAt);
        var failure = await Assert.ThrowsAnyAsync<RealtimeConnectionException>(() => queued.WaitAsync(Wait, Ct));
        Assert.Equal("80002", failure.ErrorCode);
        await Assert.ThrowsAnyAsync<RealtimeConnectionException>(() => client.GetChannel("lost").PublishAsync("n", "y", Ct).AsTask().WaitAsync(Wait, Ct));
        Assert.Equal(AblyChannelState.Suspended, client.GetChannelState("lost"));

        // Subscriptions survive a suspension: the channel re-attaches when a connection is back.
        Assert.False(subscription.Completion.IsCompleted);
    }

    [Fact]
    public async Task PublishAsync_QueueMessagesOff_WhileDisconnected_FailsAtOnce()
    {
        var emulator = await StartEmulatorAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = new AblyChannelClient(new AblyChannelClientOptions
        {
            Endpoint = emulator.AblyUrl,
            Key = emulator.AblyKeys[0],
            TimeProvider = time,
            QueueMessages = false,
        });
        await client.Connection.ConnectAsync(Ct);
        var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);
        await emulator.DisposeAsync();
        await states.NextAsync(ConnectionState.Disconnected);
        var ex = await Assert.ThrowsAnyAsync<RealtimeConnectionException>(() => client.GetChannel("c").PublishAsync("n", "x", Ct).AsTask().WaitAsync(Wait, Ct));
        Assert.True(ex.IsRetryable);
    }


    [Fact]
    public async Task CloseAsync_Connected_ReachesClosedAndRefusesFurtherConnects()
    {
        await using var emulator = await StartEmulatorAsync();
        await using var client = NewClient(emulator, clientId: "me");
        await client.Connection.ConnectAsync(Ct);
        await client.Connection.CloseAsync(Ct);
        Assert.Equal(ConnectionState.Closed, client.Connection.State);
        await Assert.ThrowsAnyAsync<RealtimeConnectionException>(() => client.Connection.ConnectAsync(Ct).AsTask());
    }

    [Fact]
    public async Task IdleTimeout_NoFrameForMaxIdlePlusTimeout_MovesToDisconnected()
    {
        await using var emulator = await StartEmulatorAsync(o => o.MaxIdleInterval = TimeSpan.FromMinutes(10));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = NewClientOnFakeTime(emulator, time);
        await using var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);
        await client.Connection.ConnectAsync(Ct);
        Assert.Equal(ConnectionState.Connecting, (await states.NextAsync(c => true)).Current);
        Assert.Equal(ConnectionState.Connected, (await states.NextAsync(c => true)).Current);

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(ConnectionState.Connected, client.Connection.State);
        time.Advance(TimeSpan.FromSeconds(5));

        var change = await states.NextAsync(c => true);
        Assert.Equal(ConnectionState.Disconnected, change.Current);
        Assert.Contains("maxIdleInterval", change.Reason!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_RequestTimeoutElapsesAsSoonAsConnected_TheConfirmedConnectionStays()
    {
        // The connect attempt's timeout and the server's CONNECTED race: once the connection is confirmed, a timeout that
        // fires before the connecting loop has looked must not drop it as "not confirmed in time".
        await using var emulator = await StartEmulatorAsync();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            await using var client = NewClientOnFakeTime(emulator, time);
            await using var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);
            await client.Connection.ConnectAsync(Ct);
            time.Advance(TimeSpan.FromSeconds(6));
            await client.GetChannel("c").PublishAsync("n", "x", Ct).AsTask().WaitAsync(Wait, Ct);
            await client.Connection.CloseAsync(Ct);

            var seen = new List<ConnectionState>();
            while (seen.LastOrDefault() != ConnectionState.Closed)
            {
                seen.Add((await states.NextAsync(c => true)).Current);
            }

            Assert.Equal([ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Closing, ConnectionState.Closed], seen);
        }
    }

    // A five-second request timeout on a fake clock: the tests move time past it on purpose.
    private static AblyChannelClient NewClientOnFakeTime(RealtimeEmulator emulator, FakeTimeProvider time) =>
        new(new AblyChannelClientOptions
        {
            Endpoint = emulator.AblyUrl,
            Key = emulator.AblyKeys[0],
            TimeProvider = time,
            RealtimeRequestTimeout = TimeSpan.FromSeconds(5),
        });
}
