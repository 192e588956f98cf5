using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;

namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>Per-channel options: rewind on the first attach, a per-channel encryption key, conflicting options refused.</summary>
public sealed class AblyChannelOptionsTests : AblyEmulatorTest
{
    private AblyChannelClient NewClient(bool binary = false) => new(ClientOptions(binary: binary));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rewind_FirstAttach_ReplaysTheLastMessages_ThenLiveOnes(bool binary)
    {
        await using var publisher = NewClient();
        for (var i = 1; i <= 5; i++)
        {
            await publisher.GetChannel("news").PublishAsync("n", "old-" + i, Ct);
        }

        await using var late = NewClient(binary);
        var subscription = await late.GetChannel("news", new AblyChannelOptions { Rewind = "2" }).SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);
        await publisher.GetChannel("news").PublishAsync("n", "live", Ct);

        string[] expected = ["old-4", "old-5", "live"];
        foreach (var text in expected)
        {
            Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
            Assert.Equal(text, reader.Current.Data.AsString());
        }
    }

    [Fact]
    public async Task CipherKey_PerChannel_EncryptsForKeyHoldersOnly()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var sender = NewClient();
        await using var friend = NewClient(binary: true);
        await using var outsider = NewClient();
        var options = new AblyChannelOptions { CipherKey = key };
        var friendReader = (await friend.GetChannel("private", options).SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct);
        var outsiderReader = (await outsider.GetChannel("private").SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct);

        await sender.GetChannel("private", options).PublishAsync("n", "hush", Ct);

        Assert.True(await friendReader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
        Assert.Equal("hush", friendReader.Current.Data.AsString());
        Assert.True(await outsiderReader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
        Assert.NotEqual(MessageDataKind.String, outsiderReader.Current.Data.Kind);
        await friendReader.DisposeAsync();
        await outsiderReader.DisposeAsync();
    }

    [Fact]
    public async Task GetChannel_AgainWithOtherOptions_IsRefused_SameOptionsAreFine()
    {
        await using var client = NewClient();
        var first = client.GetChannel("c", new AblyChannelOptions { Rewind = "1" });
        Assert.Same(first, client.GetChannel("c", new AblyChannelOptions { Rewind = "1" }));
        Assert.Same(first, client.GetChannel("c"));
        var ex = Assert.Throws<RealtimeValidationException>(() => client.GetChannel("c", new AblyChannelOptions { Rewind = "2" }));
        Assert.Equal("40003", ex.ErrorCode);
    }

    [Fact]
    public void ClientOptions_EndpointDefaultsToTheHostedService()
    {
        var options = new AblyChannelClientOptions { Key = "app.key:secret" };
        Assert.Equal(new Uri("https://main.realtime.ably.net/"), options.Endpoint);
        options.Validate();
    }

    [Fact]
    public async Task History_ThroughInjectedHandler_SendsProtocolVersionAndAgent_NotTheKeyInTheUrl()
    {
        using var recorder = new Auth.RecordingHandler();
        var options = ClientOptions();
        options.HttpMessageHandler = recorder;
        await using (var client = new AblyChannelClient(options))
        {
            await client.GetChannel("h").PublishAsync("n", "x", Ct);
            await client.GetChannel("h").GetHistoryAsync(cancellationToken: Ct);
        }

        var request = Assert.Single(recorder.Requests, r => !IsWebSocketUpgrade(r));
        Assert.Contains("X-Ably-Version: 6", request, StringComparison.Ordinal);
        Assert.Contains("Ably-Agent: realtime-adapters/", request, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", request.Split('\n')[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpMessageHandler_AlsoOpensTheRealtimeWebSocket()
    {
        using var recorder = new Auth.RecordingHandler();
        var options = ClientOptions();
        options.HttpMessageHandler = recorder;
        await using var client = new AblyChannelClient(options);

        await client.GetChannel("ws").PublishAsync("n", "x", Ct);

        Assert.Single(recorder.Requests, IsWebSocketUpgrade);
    }

    [Fact]
    public async Task AddAblyChannels_WithHttpClientFactory_RestAndWebSocketGoThroughTheNamedClientsHandler()
    {
        using var recorder = new Auth.RecordingHandler();
        var services = new ServiceCollection();
        services.AddHttpClient(AblyChannelClientOptions.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => recorder);
        services.AddRealtime().AddAblyChannels(o =>
        {
            var defaults = ClientOptions();
            o.Endpoint = defaults.Endpoint;
            o.Key = defaults.Key;
            o.RealtimeRequestTimeout = defaults.RealtimeRequestTimeout;
        });
        await using var provider = services.BuildServiceProvider();
        var channel = provider.GetRequiredService<IChannelClient>().GetChannel("factory");

        await channel.PublishAsync("n", "x", Ct);
        await channel.GetHistoryAsync(cancellationToken: Ct);

        Assert.Single(recorder.Requests, IsWebSocketUpgrade);
        Assert.Single(recorder.Requests, r => r.Contains("/channels/factory/messages", StringComparison.Ordinal));
    }

    private static bool IsWebSocketUpgrade(string request) => request.Contains("Sec-WebSocket-", StringComparison.OrdinalIgnoreCase);

    [Theory]
    [InlineData("ten", null)]
    [InlineData("5h", null)]
    [InlineData(null, "AAAA")]
    public async Task GetChannel_InvalidOptions_RefusedNamingTheOption(string? rewind, string? key)
    {
        await using var client = NewClient();
        var ex = Assert.Throws<RealtimeValidationException>(() => client.GetChannel("c", new AblyChannelOptions { Rewind = rewind, CipherKey = key }));
        Assert.Contains(rewind is null ? "CipherKey" : "Rewind", ex.Message, StringComparison.Ordinal);
    }
}
