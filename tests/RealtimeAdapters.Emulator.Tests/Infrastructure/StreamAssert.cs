namespace RealtimeAdapters.Emulator.Tests.Infrastructure;

/// <summary>Assertions on single stream events (use with <c>using static</c>).</summary>
internal static class StreamAssert
{
    /// <summary>Asserts an event's name, path and data (compared as normalised values).</summary>
    public static void AssertEvent(StreamEvent e, string name, string path, string json)
    {
        Assert.Equal(name, e.Event);
        Assert.Equal(path, e.Path);
        Assert.Equal(DataNode.Parse(json), e.Value);
    }

    /// <summary>Asserts a <c>patch</c> at <paramref name="path"/> with exactly these keys and values.</summary>
    public static void AssertPatch(StreamEvent e, string path, params (string Key, string Json)[] entries)
    {
        Assert.Equal("patch", e.Event);
        Assert.Equal(path, e.Path);
        var data = e.Data.GetProperty("data");
        Assert.Equal(entries.Select(x => x.Key).Order(StringComparer.Ordinal), data.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var (key, json) in entries)
        {
            Assert.Equal(DataNode.Parse(json), DataNode.FromJson(data.GetProperty(key)));
        }
    }
}
