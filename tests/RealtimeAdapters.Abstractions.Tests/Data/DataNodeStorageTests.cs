using System.Globalization;
using System.Text;

namespace RealtimeAdapters.Abstractions.Tests.Data;

/// <summary>
/// An object keeps up to 16 children in a sorted array and more in a persistent dictionary. These tests check, against a
/// plain sorted model, that every way of building and editing an object gives the same children in the same order on
/// both sides of that limit and across it: parsing, listing, single edits, batches, removals down to nothing.
/// </summary>
public class DataNodeStorageTests
{
    // Integer keys (ordered numerically, before the others), padded ones, a negative one, out-of-range ones and names.
    private static readonly string[] Keys =
    [
        .. Enumerable.Range(0, 14).Select(i => i.ToString(CultureInfo.InvariantCulture)),
        "007", "-3", "2147483648", "99999999999", "a", "B", "title", "done", "n", "zz", "é", "k10", "k9", "-", "_x",
    ];

    [Fact]
    public void RandomEdits_AcrossTheArrayLimit_MatchASortedModel()
    {
        var random = new Random(11);
        var model = new SortedDictionary<string, DataNode>(KeyComparer.Instance);
        var node = DataNode.Null;
        var values = new DataNode[] { 1, "x", true, DataNode.Parse("{\"t\":\"a\",\"n\":{\"deep\":2}}"), DataNode.FromNumber(3).WithPriority(1) };
        for (var i = 0; i < 20_000; i++)
        {
            var key = Keys[random.Next(Keys.Length)];

            // Mostly additions while small, mostly removals while large, so the count crosses 16 both ways many times.
            var remove = random.Next(40) < model.Count;
            var value = remove ? DataNode.Null : values[random.Next(values.Length)];
            var before = node;
            node = random.Next(3) switch
            {
                0 => node.SetChild(key, value),
                1 => node.SetAt(RealtimePath.Root.Child(key), value),
                _ => node.SetAt(RealtimePath.Root.Child(key), value, out _),
            };

            if (value.IsNull)
            {
                model.Remove(key);
            }
            else
            {
                model[key] = value;
            }

            AssertMatches(model, node);
            Assert.All(model, c => Assert.Same(c.Value, node.GetChild(c.Key)));
            if (model.Count == 0)
            {
                Assert.Same(DataNode.Null, node);
            }

            if (ReferenceEquals(before.GetChild(key), value))
            {
                Assert.Same(before, node);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(29)]
    public void EveryWayOfBuilding_GivesEqualNodes(int count)
    {
        var random = new Random(count);
        var keys = Keys.OrderBy(_ => random.Next()).Take(count).ToArray();
        var model = new SortedDictionary<string, DataNode>(KeyComparer.Instance);
        foreach (var key in keys)
        {
            model[key] = key.Length;
        }

        // Parsed (keys in a shuffled order), listed, built one child at a time, written as one batch.
        var json = new StringBuilder("{");
        foreach (var key in keys)
        {
            json.Append(CultureInfo.InvariantCulture, $"{(json.Length > 1 ? "," : "")}\"{key}\":{key.Length}");
        }

        var parsed = DataNode.Parse(json.Append('}').ToString());
        var listed = DataNode.FromChildren(keys.Select(k => new KeyValuePair<string, DataNode>(k, k.Length)));
        var edited = keys.Aggregate(DataNode.Null, (n, k) => n.SetChild(k, k.Length));
        var batched = DataNode.Parse("{\"zz\":0}").SetAll(keys.Select(k => new KeyValuePair<RealtimePath, DataNode>(RealtimePath.Root.Child(k), k.Length)).ToList());
        if (!model.ContainsKey("zz"))
        {
            batched = batched.SetChild("zz", DataNode.Null);
        }

        foreach (var node in new[] { parsed, listed, edited, batched })
        {
            AssertMatches(model, node);
            Assert.Equal(parsed, node);
            Assert.Equal(parsed.GetHashCode(), node.GetHashCode());
            Assert.Equal(parsed.ToJsonString(export: true), node.ToJsonString(export: true));
        }
    }

    [Fact]
    public void Parse_RepeatedKey_IsRefused_OnBothSidesOfTheLimit()
    {
        var few = "{\"a\":1,\"b\":2,\"a\":3}";
        var many = "{" + string.Join(",", Enumerable.Range(0, 20).Select(i => $"\"k{i}\":{i}")) + ",\"k3\":0}";
        Assert.Contains("\"a\" appears twice", Assert.Throws<RealtimeValidationException>(() => DataNode.Parse(few)).Message, StringComparison.Ordinal);
        Assert.Contains("\"k3\" appears twice", Assert.Throws<RealtimeValidationException>(() => DataNode.Parse(many)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arrays_OnBothSidesOfTheLimit_KeepIndexOrderAndRoundTrip()
    {
        foreach (var length in new[] { 3, 16, 17, 40 })
        {
            var json = "[" + string.Join(",", Enumerable.Range(0, length).Select(i => i % 5 == 4 ? "null" : i.ToString(CultureInfo.InvariantCulture))) + "]";
            var node = DataNode.Parse(json);
            var keys = node.EnumerateChildren().Select(c => c.Key).ToList();
            Assert.Equal(keys.OrderBy(k => int.Parse(k, CultureInfo.InvariantCulture)), keys);
            Assert.Equal(node, DataNode.Parse(node.ToJsonString()));
            Assert.Equal(length - (length / 5), node.ChildCount);
        }
    }

    [Fact]
    public void Depth_FollowsTheDeepestChild_WhenItLeavesOrShrinks()
    {
        var deep = DataNode.Parse("{\"x\":{\"y\":{\"z\":1}}}");
        foreach (var width in new[] { 3, 20 })
        {
            var node = Enumerable.Range(0, width).Aggregate(DataNode.Null, (n, i) => n.SetChild("k" + i, i));
            Assert.Equal(1, node.Depth);
            node = node.SetChild("k1", deep);
            Assert.Equal(4, node.Depth);
            Assert.Equal(2, node.SetChild("k1", DataNode.Parse("{\"a\":1}")).Depth);
            Assert.Equal(1, node.SetChild("k1", DataNode.Null).Depth);
        }
    }

    [Fact]
    public void Priority_IsKept_WhenTheFormChanges()
    {
        var node = Enumerable.Range(0, 16).Aggregate(DataNode.Null, (n, i) => n.SetChild("k" + i, i)).WithPriority(5);
        var grown = node.SetChild("k99", 1);
        Assert.Equal(17, grown.ChildCount);
        Assert.Equal(DataNode.FromNumber(5), grown.Priority);
        var shrunk = grown.SetChild("k0", DataNode.Null).SetChild("k1", DataNode.Null);
        Assert.Equal(15, shrunk.ChildCount);
        Assert.Equal(DataNode.FromNumber(5), shrunk.Priority);
    }

    [Fact]
    public void ServerValues_InSmallAndLargeObjects_AreFoundAndResolved()
    {
        foreach (var width in new[] { 2, 20 })
        {
            var node = Enumerable.Range(0, width).Aggregate(DataNode.Null, (n, i) => n.SetChild("k" + i, i));
            Assert.False(node.ContainsServerValues);
            node = node.SetChild("k1", ServerValue.Increment(2));
            Assert.True(node.ContainsServerValues);
            var resolved = node.ResolveServerValues(DataNode.Parse("{\"k1\":40}"), 0);
            Assert.Equal(DataNode.FromNumber(42), resolved.GetChild("k1"));
            Assert.Equal(width, resolved.ChildCount);
            Assert.False(resolved.ContainsServerValues);
        }
    }

    [Fact]
    public void Numbers_KeepTheirValue_ThroughPriorityChangesAndCompareByValue()
    {
        // A number is held in the node itself, not boxed: every copy of the node must carry it.
        var n = DataNode.FromNumber(-2.5);
        var withPriority = n.WithPriority("p");
        Assert.Equal(-2.5, withPriority.GetNumber());
        Assert.Equal(-2.5, withPriority.WithoutPriority().GetNumber());
        Assert.Equal(n, withPriority.WithoutPriority());
        Assert.Equal("{\".value\":-2.5,\".priority\":\"p\"}", withPriority.ToJsonString(export: true));
        Assert.Equal(DataNode.FromNumber(0.0), DataNode.FromNumber(-0.0));
        Assert.Equal(DataNode.FromNumber(0.0).GetHashCode(), DataNode.FromNumber(-0.0).GetHashCode());
        Assert.NotEqual(DataNode.FromNumber(1), DataNode.FromNumber(2));
        Assert.NotEqual(DataNode.FromNumber(1), DataNode.FromString("1"));
        Assert.Equal(7.0, DataNode.Parse("{\"a\":7}").GetChild("a").GetNumber());
        Assert.Throws<InvalidOperationException>(() => DataNode.FromString("1").GetNumber());
    }

    [Fact]
    public void Children_OfASmallObject_IsAnEqualDictionary()
    {
        var node = DataNode.Parse("{\"b\":2,\"10\":1,\"9\":3}");
        Assert.Equal(["9", "10", "b"], node.Children.Keys);
        Assert.Equal(node, DataNode.FromChildren(node.Children));
        Assert.Equal(3, node.EnumerateChildren().Count);
        Assert.True(node.TryGetChild("10", out var ten));
        Assert.Equal(DataNode.FromNumber(1), ten);
        Assert.False(node.TryGetChild("1", out var none));
        Assert.True(none.IsNull);
        Assert.Empty(DataNode.FromNumber(1).EnumerateChildren());
    }

    private static void AssertMatches(SortedDictionary<string, DataNode> model, DataNode node)
    {
        Assert.Equal(model.Count, node.ChildCount);
        Assert.Equal(model.Count, node.EnumerateChildren().Count);
        Assert.Equal(model.ToList(), node.EnumerateChildren().ToList());
        Assert.Equal(model.ToList(), node.Children.ToList());
        Assert.Equal(model.Count == 0 ? 0 : model.Values.Max(v => v.Depth) + 1, node.Depth);
        foreach (var (key, value) in model)
        {
            Assert.Equal(value, node.GetChild(key));
        }

        var rebuilt = DataNode.FromChildren(model);
        Assert.Equal(rebuilt, node);
        Assert.Equal(rebuilt.GetHashCode(), node.GetHashCode());
        var json = model.Count == 0 ? "null" : "{" + string.Join(",", model.Select(c => $"\"{c.Key}\":{c.Value.ToJsonString(export: true)}")) + "}";
        Assert.Equal(json, node.ToJsonString(export: true));
    }
}
