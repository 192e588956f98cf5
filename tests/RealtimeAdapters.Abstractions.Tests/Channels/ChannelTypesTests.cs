using System.Text.Json;

namespace RealtimeAdapters.Abstractions.Tests.Channels;

public class ChannelTypesTests
{
    [Fact]
    public void MessageData_Kinds_AndAccessors()
    {
        Assert.True(MessageData.None.IsNone);
        MessageData text = "hi";
        Assert.Equal(MessageDataKind.String, text.Kind);
        Assert.Equal("hi", text.AsString());
        MessageData bytes = new byte[] { 1, 2, 3 };
        Assert.Equal(MessageDataKind.Binary, bytes.Kind);
        Assert.Equal([1, 2, 3], bytes.AsBytes().ToArray());
        var json = MessageData.From(new { x = 1 });
        Assert.Equal(MessageDataKind.Json, json.Kind);
        Assert.Equal(1, json.AsJson().GetProperty("x").GetInt32());
        Assert.Throws<InvalidOperationException>(() => json.AsString());
        Assert.Equal(MessageDataKind.String, MessageData.FromJson(JsonDocument.Parse("\"s\"").RootElement).Kind);
        Assert.True(MessageData.FromJson(JsonDocument.Parse("null").RootElement).IsNone);
    }

    [Fact]
    public void MessageData_Equality_And_GetValue()
    {
        Assert.Equal(MessageData.From(new { a = 1 }), MessageData.FromJson(JsonDocument.Parse("{\"a\":1}").RootElement));
        Assert.NotEqual(MessageData.FromString("1"), MessageData.FromJson(JsonDocument.Parse("1").RootElement));
        Assert.Equal(new Point(1, 2), MessageData.From(new Point(1, 2)).GetValue<Point>());
        Assert.Equal("x", MessageData.FromString("x").GetValue<string>());
    }

    private sealed record Point(int X, int Y);

    [Fact]
    public void ChannelMessage_GetSize_CountsNameDataClientIdExtras()
    {
        var message = new ChannelMessage("ev", "héllo") { ClientId = "bob", Extras = JsonDocument.Parse("{\"h\":1}").RootElement };
        Assert.Equal(2 + 6 + 3 + 7, message.GetSize());
        Assert.Equal(3, new ChannelMessage(null, new byte[3]).GetSize());
    }

    [Theory]
    [InlineData("")]
    [InlineData("[meta]x")]
    [InlineData(":x")]
    [InlineData("a\nb")]
    public void ChannelNames_Invalid_Rejected(string name)
    {
        var ex = Assert.Throws<RealtimeValidationException>(() => ChannelNames.Validate(name));
        Assert.Equal("40010", ex.ErrorCode);
    }

    [Fact]
    public void ChannelNames_Valid_Accepted()
    {
        ChannelNames.Validate("chat:room-1");
        Assert.Null(ChannelNames.GetProblem("a*b"));
    }

    [Fact]
    public void HistoryQuery_Validate()
    {
        HistoryQuery.Default.Validate();
        Assert.Throws<RealtimeValidationException>(() => new HistoryQuery { Limit = 0 }.Validate());
        Assert.Throws<RealtimeValidationException>(() => new HistoryQuery { Limit = 1001 }.Validate());
        var now = DateTimeOffset.UnixEpoch.AddDays(1);
        Assert.Throws<RealtimeValidationException>(() => new HistoryQuery { Start = now, End = now.AddSeconds(-1) }.Validate());
        Assert.Throws<RealtimeValidationException>(() => new HistoryQuery { UntilAttach = true, Direction = HistoryDirection.Forwards }.Validate());
    }

    [Fact]
    public async Task HistoryPage_ReadAllAsync_FollowsPages()
    {
        var page2 = new HistoryPage<int>([3, 4], null);
        var page1 = new HistoryPage<int>([1, 2], _ => ValueTask.FromResult(page2));
        Assert.True(page1.HasNext);
        Assert.False(page2.HasNext);
        var all = new List<int>();
        await foreach (var i in page1.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            all.Add(i);
        }

        Assert.Equal([1, 2, 3, 4], all);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await page2.GetNextAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void ProviderMetadata_EnsureSupported_NamesProviderAndCapability()
    {
        var metadata = new RealtimeProviderMetadata("Test", RealtimeCapabilities.Store);
        metadata.EnsureSupported(RealtimeCapabilities.Store);
        var ex = Assert.Throws<RealtimeNotSupportedException>(() => metadata.EnsureSupported(RealtimeCapabilities.Store | RealtimeCapabilities.Presence));
        Assert.Contains("Test", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Presence", ex.Message, StringComparison.Ordinal);
        Assert.Equal(RealtimeCapabilities.Presence, ex.Capability);
        Assert.IsAssignableFrom<NotSupportedException>(ex);
    }
}
