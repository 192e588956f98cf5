using System.Text.Json;
using System.Text.Json.Serialization;

namespace RealtimeAdapters.Abstractions.Tests.Data;

public class TypedReadTests
{
    public sealed record Todo(string Title, bool Done);

    public sealed record Board(string Name, List<string> Tags, Dictionary<string, Todo> Items);

    [Fact]
    public void GetValue_ArrayShapedObject_ReadsIntoDictionary()
    {
        // {"0":..,"1":..} renders as an array, yet a dictionary target gets the object shape.
        var snapshot = new DataSnapshot(RealtimePath.Parse("todos"), DataNode.Parse("{\"0\":{\"title\":\"a\",\"done\":false},\"1\":{\"title\":\"b\",\"done\":true}}"));
        var todos = snapshot.GetValue<Dictionary<string, Todo>>();
        Assert.NotNull(todos);
        Assert.Equal(new Todo("b", true), todos["1"]);
    }

    [Fact]
    public void GetValue_SparseIntegerKeys_ReadIntoListWithNulls()
    {
        // {"0":..,"5":..} renders as an object, yet a list target gets the array shape.
        var snapshot = new DataSnapshot(RealtimePath.Root, DataNode.Parse("{\"0\":\"a\",\"5\":\"f\"}"));
        Assert.Equal("{\"0\":\"a\",\"5\":\"f\"}", snapshot.ToJsonString());
        var list = snapshot.GetValue<List<string?>>();
        Assert.Equal(["a", null, null, null, null, "f"], list);
    }

    [Fact]
    public void GetValue_NestedShapesFollowTheTargetType()
    {
        var node = DataNode.Parse("{\"name\":\"n\",\"tags\":{\"0\":\"x\",\"1\":\"y\"},\"items\":{\"0\":{\"title\":\"t\",\"done\":true}}}");
        var board = new DataSnapshot(RealtimePath.Root, node).GetValue<Board>();
        Assert.NotNull(board);
        Assert.Equal(["x", "y"], board.Tags);
        Assert.Equal(new Todo("t", true), board.Items["0"]);
    }

    [Fact]
    public void GetValue_Missing_ReturnsDefault()
    {
        var snapshot = new DataSnapshot(RealtimePath.Root, DataNode.Null);
        Assert.Null(snapshot.GetValue<Todo>());
        Assert.Equal(0, snapshot.GetValue<int>());
        Assert.False(snapshot.Exists);
    }

    [Fact]
    public void GetValue_SourceGeneratedTypeInfo_Works()
    {
        var snapshot = new DataSnapshot(RealtimePath.Root, DataNode.Parse("{\"title\":\"a\",\"done\":true}"));
        Assert.Equal(new Todo("a", true), snapshot.GetValue(TestJsonContext.Default.Todo));
        Assert.Equal("{\"done\":true,\"title\":\"a\"}", DataNode.FromValue(new Todo("a", true), TestJsonContext.Default.Todo).ToJsonString());
    }

    [Fact]
    public void GetValue_WrongShape_ThrowsJsonException()
    {
        var snapshot = new DataSnapshot(RealtimePath.Root, DataNode.Parse("{\"a\":1}"));
        Assert.ThrowsAny<JsonException>(() => snapshot.GetValue<List<int>>());
    }

    [Fact]
    public void FromValue_SerialisesWithWebDefaults()
    {
        var node = DataNode.FromValue(new Todo("x", false));
        Assert.Equal("x", node.GetChild("title").GetString());
        Assert.False(node.GetChild("done").GetBoolean());
        Assert.True(DataNode.FromValue<Todo?>(null).IsNull);
    }

    [Fact]
    public void Children_ComeInQueryOrder()
    {
        var node = DataNode.Parse("{\"a\":{\"n\":3},\"b\":{\"n\":1},\"c\":{\"n\":2}}");
        var snapshot = new DataSnapshot(RealtimePath.Parse("x"), node, ChildOrder.ByChild(RealtimePath.Parse("n")));
        Assert.Equal(["b", "c", "a"], snapshot.Children.Select(c => c.Key));
        Assert.Equal("/x/b", snapshot.Children.First().Path.ToString());
        Assert.Equal(["a", "b", "c"], new DataSnapshot(RealtimePath.Root, node).Children.Select(c => c.Key));
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TypedReadTests.Todo))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(byte[]))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
