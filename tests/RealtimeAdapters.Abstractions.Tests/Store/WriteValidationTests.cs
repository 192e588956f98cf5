namespace RealtimeAdapters.Abstractions.Tests.Store;

/// <summary>The one write validator every store and the emulator use.</summary>
public sealed class WriteValidationTests
{
    [Fact]
    public void ValidateUpdate_DisjointKeys_SortedByPathWithTheirLocations()
    {
        var entries = WriteValidation.ValidateUpdate(RealtimePath.Parse("a"), new Dictionary<string, DataNode> { ["z/1"] = 1, ["b"] = "x", ["c/d"] = DataNode.Null });

        Assert.Equal(["b", "c/d", "z/1"], entries.Select(static e => e.Key));
        Assert.Equal(["/a/b", "/a/c/d", "/a/z/1"], entries.Select(static e => e.Absolute.ToString()));
    }

    [Theory]
    [InlineData("x", "x/y")]
    [InlineData("x/y", "x")]
    [InlineData("x", "/x/")]
    public void ValidateUpdate_OverlappingKeys_AreRefusedNamingBoth(string first, string second)
    {
        var ex = Assert.Throws<RealtimeValidationException>(() =>
            WriteValidation.ValidateUpdate(RealtimePath.Root, new Dictionary<string, DataNode> { [first] = 1, [second] = 2 }));
        Assert.Contains("overlap", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{first}\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{second}\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateUpdate_EmptyOrInvalidKey_IsRefusedNamingIt()
    {
        Assert.Contains("must name a child path", Assert.Throws<RealtimeValidationException>(() =>
            WriteValidation.ValidateUpdate(RealtimePath.Root, new Dictionary<string, DataNode> { ["/"] = 1 })).Message, StringComparison.Ordinal);
        Assert.Contains("\"a.b\"", Assert.Throws<RealtimeValidationException>(() =>
            WriteValidation.ValidateUpdate(RealtimePath.Root, new Dictionary<string, DataNode> { ["a.b"] = 1 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateWrite_TooDeepOrTooLongAKeyPath_IsRefusedNamingTheLocation()
    {
        var deep = DataNode.Parse(string.Concat(Enumerable.Repeat("{\"k\":", 31)) + "1" + new string('}', 31));
        var depth = Assert.Throws<RealtimeValidationException>(() => WriteValidation.ValidateWrite(RealtimePath.Parse("top"), deep));
        Assert.Contains("/top", depth.Message, StringComparison.Ordinal);

        var longKeys = DataNode.FromChildren([new(new string('a', 700), DataNode.FromChildren([new(new string('b', 700), 1)]))]);
        var length = Assert.Throws<RealtimeValidationException>(() => WriteValidation.ValidateWrite(RealtimePath.Parse("top"), longKeys));
        Assert.Contains("UTF-8 bytes", length.Message, StringComparison.Ordinal);
        WriteValidation.ValidateWrite(RealtimePath.Parse("top"), DataNode.FromChildren([new(new string('a', 700), 1)]));
    }

    [Fact]
    public void FindOverlap_ReturnsTheOuterAndInnerEntry_OrNullWhenDisjoint()
    {
        (string Name, RealtimePath Path)[] entries = [("c", RealtimePath.Parse("c")), ("a", RealtimePath.Parse("a/b")), ("b", RealtimePath.Parse("a"))];
        Assert.Equal(("b", "a"), WriteValidation.FindOverlap(entries, static e => e.Path) is var (outer, inner) ? (outer.Name, inner.Name) : default);
        Assert.Null(WriteValidation.FindOverlap(entries[..2], static e => e.Path));
    }
}
