using System.Text.Json;
using System.Text.Json.Serialization;
using RealtimeAdapters.InMemory.Tests.Channels;

namespace RealtimeAdapters.InMemory.Tests.Store;

// The JsonTypeInfo<T> overloads a trimmed or native AOT application uses, end to end on the in-memory providers.
public class SourceGeneratedOverloadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonTypeInfoContext Json => JsonTypeInfoContext.Default;

    [Fact]
    public async Task PushAsync_TypeInfo_WritesTheValueUnderANewKey()
    {
        await using var store = new InMemoryRealtimeStore();
        var first = await store.PushAsync("scores", new Score("ann", 3), Json.Score, Ct);
        var second = await store.PushAsync("scores", new Score("bob", 5), Json.Score, Ct);

        Assert.True(string.CompareOrdinal(first.Key, second.Key) < 0);
        Assert.Equal(new Score("bob", 5), await store.GetValueAsync(second, Json.Score, Ct));
        Assert.Equal("{\"name\":\"ann\",\"points\":3}", (await store.GetAsync(first, Ct)).ToJsonString());
    }

    [Fact]
    public async Task RunTransactionAsync_TypeInfo_ReadsAndWritesTypedValues()
    {
        await using var store = new InMemoryRealtimeStore();
        Score? seen = new("unset", -1);
        var created = await store.RunTransactionAsync<Score>("best", current => { seen = current; return new Score("ann", 1); }, Json.Score, Ct);
        var raised = await store.RunTransactionAsync<Score>("best", current => current! with { Points = current.Points + 1 }, TransactionOptions.Default, Json.Score, Ct);
        var removed = await store.RunTransactionAsync<Score>("best", _ => null, Json.Score, Ct);

        Assert.Null(seen);
        Assert.True(created.Committed);
        Assert.Equal(new Score("ann", 2), raised.Snapshot.GetValue(Json.Score));
        Assert.True(removed.Committed);
        Assert.False((await store.GetAsync("best", Ct)).Exists);
    }

    [Fact]
    public async Task RunTransactionAsync_TypeInfo_HonoursTheAttemptLimit()
    {
        await using var store = new InMemoryRealtimeStore();
        await store.SetAsync("n", new Score("a", 0), Json.Score, Ct);
        var attempts = 0;

        // Each attempt changes the value behind the transaction's back, so no attempt can commit.
        await Assert.ThrowsAsync<RealtimeConflictException>(async () => await store.RunTransactionAsync<Score>(
            "n",
            current =>
            {
                attempts++;
                store.SetAsync("n/points", DataNode.FromValue(attempts + 100, Json.Int32), Ct).AsTask().GetAwaiter().GetResult();
                return current! with { Points = -1 };
            },
            new TransactionOptions { MaxAttempts = 3 },
            Json.Score,
            Ct));
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task PublishAsync_TypeInfo_DeliversAPayloadReadWithTypeInfo()
    {
        var (hub, _) = ChannelTestHelpers.CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("scores");
        await using var subscription = await channel.SubscribeAsync(["score"], Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);

        await channel.PublishAsync("score", new Score("ann", 7), Json.Score, Ct);

        var message = await reader.NextAsync();
        Assert.Equal(MessageDataKind.Json, message.Data.Kind);
        Assert.Equal(new Score("ann", 7), message.Data.GetValue(Json.Score));
    }

    public sealed record Score(string Name, int Points);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SourceGeneratedOverloadTests.Score))]
[JsonSerializable(typeof(int))]
internal sealed partial class JsonTypeInfoContext : JsonSerializerContext;
