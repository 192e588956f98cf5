using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.InMemory.Tests.Channels;

internal static class ChannelTestHelpers
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    /// <summary>The test's cancellation token (xunit cancels it when the run is aborted).</summary>
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static readonly DateTimeOffset Start = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static (InMemoryChannelHub Hub, FakeTimeProvider Time) CreateHub(Action<InMemoryChannelOptions>? configure = null)
    {
        var time = new FakeTimeProvider(Start);
        var options = new InMemoryChannelOptions { TimeProvider = time };
        configure?.Invoke(options);
        return (new InMemoryChannelHub(options), time);
    }

    public static InMemoryChannelClient Client(this InMemoryChannelHub hub, string? clientId = null, bool echo = true) =>
        new(hub, new InMemoryChannelClientOptions { ClientId = clientId, EchoMessages = echo });

    /// <summary>Reads the next item, failing (not hanging) if none comes or the stream ends.</summary>
    public static async Task<T> NextAsync<T>(this IAsyncEnumerator<T> enumerator)
    {
        Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(WaitLimit), "The stream ended instead of delivering an item.");
        return enumerator.Current;
    }

    public static async Task<List<T>> TakeAsync<T>(this IAsyncEnumerator<T> enumerator, int count)
    {
        var items = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(await enumerator.NextAsync());
        }

        return items;
    }

    /// <summary>Asserts that the stream ends (normally) within the timeout.</summary>
    public static async Task AssertEndsAsync<T>(this IAsyncEnumerator<T> enumerator) =>
        Assert.False(await enumerator.MoveNextAsync().AsTask().WaitAsync(WaitLimit), "The stream delivered an item instead of ending.");

    public static ChannelMessage Message(string? name, string data) => new(name, MessageData.FromString(data));

    public static string Data(this ChannelMessage message) => message.Data.AsString();
}
