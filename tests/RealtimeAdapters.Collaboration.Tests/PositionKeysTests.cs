using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Collaboration;

namespace RealtimeAdapters.Collaboration.Tests;

public sealed class PositionKeysTests
{
    private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly HybridTimestamp Stamp = new(1_700_000_000_000, 3, "a#1");

    // Any valid key: base-62 digits, no trailing zero (what an earlier version, or a forger, may have made).
    private static readonly Gen<string> AnyKey =
        Gen.Select(Gen.Char[Digits].Array[0, 12], Gen.Char[Digits[1..]], static (body, last) => new string(body) + last);

    /// <summary>
    /// The longest key after <paramref name="n"/> inserts of one pattern: a key is then at most three integers and the
    /// tag (a 3-digit integer: 4 characters); the integer that counts the inserts has 1 + ⌈log62(n + 1)⌉ characters, and
    /// the other two are the first key's integer (0: 2 characters) and a tag continued (4 to 5 characters). So O(log n).
    /// </summary>
    private static int Bound(int n) => 4 + 5 + 2 + 1 + (int)Math.Ceiling(Math.Log(n + 1, 62));

    [Theory]
    [InlineData("append", 20_000)]
    [InlineData("prepend", 20_000)]
    [InlineData("one middle index", 2_000)]
    [InlineData("typing in the middle", 2_000)]
    public void CommonInsertPatterns_KeepTheLongestKeyLogarithmic(string pattern, int n)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var document = new CollaborativeDocument(new CollaborativeDocumentOptions { ClientId = "a", ReplicaId = "a#1", TimeProvider = time });
        var list = document.GetList<int>("l");
        var expected = new List<int>();
        for (var i = 0; i < n; i++)
        {
            var index = pattern switch
            {
                "append" => list.Count,
                "prepend" => 0,
                "one middle index" => Math.Min(list.Count, 1),
                _ => Math.Max(0, list.Count - 1),
            };
            list.Insert(index, i);
            expected.Insert(index, i);
        }

        Assert.Equal(expected, list);
        using var snapshot = JsonDocument.Parse(document.ExportSnapshot());
        var longest = snapshot.RootElement.GetProperty("o").GetProperty("l").GetProperty("c").EnumerateObject()
            .Where(static c => c.Name.StartsWith("p:", StringComparison.Ordinal)).Max(static c => c.Value[1].GetString()!.Length);
        Assert.InRange(longest, 1, Bound(n));
    }

    [Fact]
    public void Between_AnyTwoValidKeys_GivesAValidKeyStrictlyBetween()
    {
        Gen.Select(AnyKey, AnyKey, Gen.Int[0, 3]).Sample((x, y, absent) =>
        {
            var (low, high) = string.CompareOrdinal(x, y) <= 0 ? (x, y) : (y, x);
            string? before = absent == 1 ? null : low;
            string? after = absent == 2 ? null : high;
            if (before is not null && after is not null && before == after)
            {
                after = null; // equal neighbours: the key goes after both
            }

            var key = PositionKeys.Between(before, after, Stamp);
            Assert.True(PositionKeys.IsValid(key), key);
            Assert.True(before is null || string.CompareOrdinal(before, key) < 0, $"{key} is not after {before}");
            Assert.True(after is null || string.CompareOrdinal(key, after) < 0, $"{key} is not before {after}");
        }, iter: 20_000);
    }

    [Fact]
    public void Between_RandomInsertsAtRandomPlaces_StayStrictlySortedAndShort()
    {
        Gen.Int[0, int.MaxValue].Array[1, 400].Sample(picks =>
        {
            var keys = new List<string>();
            var counter = 0;
            foreach (var pick in picks)
            {
                var index = pick % (keys.Count + 1);
                var key = PositionKeys.Between(index > 0 ? keys[index - 1] : null, index < keys.Count ? keys[index] : null, Stamp with { Counter = counter++ });
                Assert.True(PositionKeys.IsValid(key));
                keys.Insert(index, key);
            }

            for (var i = 1; i < keys.Count; i++)
            {
                Assert.True(string.CompareOrdinal(keys[i - 1], keys[i]) < 0, $"{keys[i - 1]} !< {keys[i]}");
            }
        }, iter: 200);
    }
}
