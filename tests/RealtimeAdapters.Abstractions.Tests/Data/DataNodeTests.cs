using System.Text.Json;

namespace RealtimeAdapters.Abstractions.Tests.Data;

public class DataNodeTests
{
    [Theory]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("{\"a\":null}")]
    [InlineData("{\"a\":{}}")]
    [InlineData("{\"a\":{\"b\":[]}}")]
    [InlineData("[null,null]")]
    public void Parse_EmptyValues_NormaliseToNull(string json)
    {
        Assert.True(DataNode.Parse(json).IsNull);
    }

    [Fact]
    public void Parse_NullChildren_AreDropped()
    {
        var node = DataNode.Parse("{\"a\":1,\"b\":null,\"c\":{}}");
        Assert.Equal(1, node.ChildCount);
        Assert.Equal("{\"a\":1}", node.ToJsonString());
    }

    [Theory]
    [InlineData("{\"0\":\"a\",\"1\":\"b\"}", "[\"a\",\"b\"]")]
    [InlineData("{\"0\":\"a\",\"3\":\"b\"}", "[\"a\",null,null,\"b\"]")]
    [InlineData("{\"0\":\"a\",\"4\":\"b\"}", "{\"0\":\"a\",\"4\":\"b\"}")]
    [InlineData("{\"01\":\"a\",\"1\":\"b\"}", "{\"1\":\"b\",\"01\":\"a\"}")]
    [InlineData("{\"1\":\"a\"}", "[null,\"a\"]")]
    [InlineData("{\"2\":\"a\"}", "{\"2\":\"a\"}")]
    [InlineData("[\"x\",null,\"z\"]", "[\"x\",null,\"z\"]")]
    public void ToJsonString_ArrayRule_MatchesSpec(string json, string expected)
    {
        Assert.Equal(expected, DataNode.Parse(json).ToJsonString());
    }

    [Fact]
    public void ToJsonString_Export_NeverConvertsToArrays_AndIncludesPriorities()
    {
        var node = DataNode.Parse("{\"0\":{\".value\":\"a\",\".priority\":1},\"1\":\"b\",\".priority\":\"p\"}");
        Assert.Equal("[\"a\",\"b\"]", node.ToJsonString());
        using var doc = JsonDocument.Parse(node.ToJsonString(export: true));
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal("p", root.GetProperty(".priority").GetString());
        Assert.Equal("a", root.GetProperty("0").GetProperty(".value").GetString());
        Assert.Equal(1, root.GetProperty("0").GetProperty(".priority").GetDouble());
        Assert.Equal("b", root.GetProperty("1").GetString());
    }

    [Theory]
    [InlineData("{\"a.b\":1}", "a.b")]
    [InlineData("{\"x\":{\"$y\":1}}", "/x")]
    [InlineData("{\"x\":[{\"a#\":1}]}", "/x/0")]
    [InlineData("{\".info\":1}", ".info")]
    public void Parse_InvalidKey_ThrowsNamingLocation(string json, string named)
    {
        var ex = Assert.Throws<RealtimeValidationException>(() => DataNode.Parse(json));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"a\":1} x")]
    [InlineData("nul")]
    [InlineData("")]
    public void Parse_MalformedJson_ThrowsValidation(string json)
    {
        Assert.Throws<RealtimeValidationException>(() => DataNode.Parse(json));
    }

    [Fact]
    public void Parse_NumberOutOfRange_Throws()
    {
        Assert.Throws<RealtimeValidationException>(() => DataNode.Parse("1e400"));
        Assert.Throws<RealtimeValidationException>(() => DataNode.FromNumber(double.NaN));
        Assert.Throws<RealtimeValidationException>(() => DataNode.FromNumber(double.PositiveInfinity));
    }

    [Fact]
    public void Parse_TooDeep_Throws()
    {
        var json = string.Concat(Enumerable.Repeat("{\"a\":", 32)) + "1" + new string('}', 32);
        var ex = Assert.Throws<RealtimeValidationException>(() => DataNode.Parse(json));
        Assert.Contains("deep", ex.Message, StringComparison.Ordinal);
        var ok = string.Concat(Enumerable.Repeat("{\"a\":", 31)) + "1" + new string('}', 31);
        Assert.Equal(31, DataNode.Parse(ok).Depth);
    }

    [Fact]
    public void Parse_ValueAndPriority_MakeALeafWithPriority()
    {
        var node = DataNode.Parse("{\".value\":5,\".priority\":\"high\"}");
        Assert.Equal(DataNodeKind.Number, node.Kind);
        Assert.Equal(5, node.GetNumber());
        Assert.Equal("high", node.Priority.GetString());
        Assert.Throws<RealtimeValidationException>(() => DataNode.Parse("{\".value\":5,\"a\":1}"));
        Assert.Throws<RealtimeValidationException>(() => DataNode.Parse("{\"a\":1,\".priority\":true}"));
    }

    [Fact]
    public void Parse_ServerValues_Recognised_AndBadOnesRefused()
    {
        Assert.Equal(ServerValue.Timestamp, DataNode.Parse("{\".sv\":\"timestamp\"}"));
        Assert.Equal(ServerValue.Increment(2), DataNode.Parse("{\".sv\":{\"increment\":2}}"));
        Assert.Throws<RealtimeValidationException>(() => DataNode.Parse("{\".sv\":\"later\"}"));
        Assert.Throws<RealtimeValidationException>(() => DataNode.Parse("{\".sv\":\"timestamp\",\"a\":1}"));
        Assert.Equal("{\".sv\":{\"increment\":2}}", ServerValue.Increment(2).ToJsonString());
        Assert.Equal("{\".sv\":\"timestamp\"}", ServerValue.Timestamp.ToJsonString());
    }

    [Fact]
    public void ResolveServerValues_TimestampAndIncrement()
    {
        var write = DataNode.FromChildren([
            new("at", ServerValue.Timestamp),
            new("count", ServerValue.Increment(5)),
            new("missing", ServerValue.Increment(1.5)),
            new("text", ServerValue.Increment(2)),
        ]);
        var existing = DataNode.Parse("{\"count\":10,\"text\":\"abc\"}");
        var resolved = write.ResolveServerValues(existing, 1_700_000_000_000);
        Assert.False(resolved.ContainsServerValues);
        Assert.Equal(1_700_000_000_000, resolved.GetChild("at").GetNumber());
        Assert.Equal(15, resolved.GetChild("count").GetNumber());
        Assert.Equal(1.5, resolved.GetChild("missing").GetNumber());
        Assert.Equal(2, resolved.GetChild("text").GetNumber());
    }

    [Fact]
    public void SetAt_DeletingLastChild_PrunesAncestors()
    {
        var root = DataNode.Parse("{\"a\":{\"b\":{\"c\":1}},\"x\":1}");
        var after = root.SetAt(RealtimePath.Parse("a/b/c"), DataNode.Null);
        Assert.Equal("{\"x\":1}", after.ToJsonString());
        Assert.Equal("{\"a\":{\"b\":{\"c\":1}},\"x\":1}", root.ToJsonString()); // the original is untouched
    }

    [Fact]
    public void SetAt_UnderALeaf_ReplacesTheLeafWithAnObject()
    {
        var root = DataNode.Parse("{\"a\":5}");
        Assert.Equal("{\"a\":{\"b\":true}}", root.SetAt(RealtimePath.Parse("a/b"), true).ToJsonString());
    }

    [Fact]
    public void SetAt_SameValue_ReturnsSameInstance()
    {
        var root = DataNode.Parse("{\"a\":{\"b\":1}}");
        var child = root.GetAt(RealtimePath.Parse("a/b"));
        Assert.Same(root, root.SetAt(RealtimePath.Parse("a/b"), child));
        Assert.Same(root, root.SetAt(RealtimePath.Parse("a/zzz"), DataNode.Null));
    }

    [Fact]
    public void SetAtWithPrevious_RandomWrites_MatchGetAtThenSetAt()
    {
        // Writes, replacements (same and equal values), deletions and writes under leaves, at depths 1 to 3, over a
        // tree that grows and shrinks: the one-descent overload gives what a lookup followed by SetAt gives.
        var random = new Random(7);
        var node = DataNode.Null;
        var values = new DataNode[] { DataNode.Null, 1, "x", true, DataNode.Parse("{\"t\":\"a\",\"n\":2}"), DataNode.FromNumber(3).WithPriority(1) };
        for (var i = 0; i < 5000; i++)
        {
            var depth = random.Next(1, 4);
            var path = RealtimePath.Root;
            for (var d = 0; d < depth; d++)
            {
                path = path.Child(random.Next(3) == 0 ? random.Next(20).ToString(System.Globalization.CultureInfo.InvariantCulture) : "k" + random.Next(30));
            }

            var existing = node.GetAt(path);
            var value = random.Next(10) == 0 && !existing.IsNull ? existing : values[random.Next(values.Length)];
            var expected = node.SetAt(path, value);
            var actual = node.SetAt(path, value, out var previous);
            Assert.Same(existing, previous);
            Assert.Equal(expected, actual);
            Assert.Equal(expected.Depth, actual.Depth);
            if (ReferenceEquals(expected, node))
            {
                Assert.Same(node, actual);
            }

            node = actual;
        }
    }

    [Fact]
    public void Equality_IsStructural_IncludingPriority()
    {
        Assert.Equal(DataNode.Parse("{\"a\":1,\"b\":[1,2]}"), DataNode.Parse("{\"b\":{\"0\":1,\"1\":2},\"a\":1.0}"));
        Assert.NotEqual(DataNode.Parse("{\"a\":1}"), DataNode.Parse("{\"a\":\"1\"}"));
        Assert.NotEqual(DataNode.FromNumber(1), DataNode.FromNumber(1).WithPriority("p"));
        Assert.Equal(DataNode.Parse("{\"a\":1}").GetHashCode(), DataNode.Parse("{\"a\":1}").GetHashCode());
    }

    [Fact]
    public void WithPriority_OnNull_StaysNull_AndBooleanRefused()
    {
        Assert.True(DataNode.Null.WithPriority(1).IsNull);
        Assert.Throws<RealtimeValidationException>(() => DataNode.FromNumber(1).WithPriority(true));
    }

    [Fact]
    public void Numbers_RoundTripWithoutDecimalNoise()
    {
        Assert.Equal("{\"f\":0.1,\"i\":1,\"n\":-3.5}", DataNode.Parse("{\"i\":1.0,\"f\":0.1,\"n\":-3.5}").ToJsonString());
    }

    [Fact]
    public void FromChildren_DuplicateOrInvalidKey_Throws()
    {
        Assert.Throws<RealtimeValidationException>(() => DataNode.FromChildren([new("a", 1), new("a", 2)]));
        Assert.Throws<RealtimeValidationException>(() => DataNode.FromChildren([new("a/b", 1)]));
    }

    [Fact]
    public void FromString_Over10MB_Throws()
    {
        Assert.Throws<RealtimeValidationException>(() => DataNode.FromString(new string('x', DataNode.MaxStringBytes + 1)));
    }

    [Fact]
    public void Parse_SameFieldNamesInSeparateValues_ShareTheKeyStrings()
    {
        var first = DataNode.Parse("""{"title":"a","done":false}""");
        var second = DataNode.Parse("""{"title":"b","done":true}""");

        var firstKeys = first.Children.Keys.ToArray();
        var secondKeys = second.Children.Keys.ToArray();
        Assert.Equal(firstKeys, secondKeys);
        Assert.Same(firstKeys[0], secondKeys[0]);
        Assert.Same(firstKeys[1], secondKeys[1]);
    }

    [Fact]
    public void KeyCache_ManyDistinctKeys_KeepsReturningEqualStrings()
    {
        // The table is bounded: unrelated keys overwrite slots, and every answer stays equal to what was asked.
        for (var i = 0; i < 20_000; i++)
        {
            var key = "k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(key, KeyCache.Share(key));
        }

        var longKey = new string('x', 100);
        Assert.Same(longKey, KeyCache.Share(longKey));
    }

    [Fact]
    public void SetAll_RandomDisjointWrites_EqualsSuccessiveSetAt()
    {
        var random = new Random(1234);
        for (var round = 0; round < 200; round++)
        {
            var start = DataNode.Null;
            for (var i = 0; i < random.Next(0, 60); i++)
            {
                start = start.SetAt(RandomPath(random), random.Next(3) == 0 ? "x" : DataNode.FromNumber(random.Next(5)));
            }

            // Disjoint writes: distinct paths, none an ancestor of another; some delete, some land on leaves.
            var writes = new List<KeyValuePair<RealtimePath, DataNode>>();
            for (var i = 0; i < random.Next(1, 40); i++)
            {
                var path = RandomPath(random);
                if (writes.Any(w => w.Key.Overlaps(path)))
                {
                    continue;
                }

                writes.Add(new(path, random.Next(4) == 0 ? DataNode.Null : DataNode.FromNumber(random.Next(100))));
            }

            var expected = writes.Aggregate(start, static (node, w) => node.SetAt(w.Key, w.Value));

            Assert.Equal(expected, start.SetAll(writes));
            Assert.Equal(expected.Depth, start.SetAll(writes).Depth);
        }

        static RealtimePath RandomPath(Random random)
        {
            var path = RealtimePath.Root;
            for (var d = random.Next(1, 4); d > 0; d--)
            {
                path = path.Child("k" + random.Next(0, 30).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return path;
        }
    }

    [Fact]
    public void SetAll_ManyChildrenOfOneParent_OneResultWithEveryChange()
    {
        var start = DataNode.FromChildren(Enumerable.Range(0, 1000).Select(i => new KeyValuePair<string, DataNode>("c" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), DataNode.FromNumber(i))));
        var writes = Enumerable.Range(0, 1000)
            .Select(i => new KeyValuePair<RealtimePath, DataNode>(RealtimePath.Root.Child("c" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)), i % 2 == 0 ? DataNode.Null : DataNode.FromNumber(-i)))
            .ToList();

        var result = start.SetAll(writes);

        Assert.Equal(500, result.ChildCount);
        Assert.Equal(DataNode.FromNumber(-1), result.GetChild("c0001"));
        Assert.True(result.GetChild("c0000").IsNull);
        Assert.Equal(writes.Aggregate(start, static (node, w) => node.SetAt(w.Key, w.Value)), result);
    }
}
