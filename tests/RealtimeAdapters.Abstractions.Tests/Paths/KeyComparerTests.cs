namespace RealtimeAdapters.Abstractions.Tests.Paths;

public class KeyComparerTests
{
    [Fact]
    public void Compare_SpecExample_SortsIntegersFirstThenStrings()
    {
        string[] keys = ["b", "10", "a", "01", "-1", "2", "1", "2147483648"];
        var sorted = keys.Order(KeyComparer.Instance).ToArray();
        Assert.Equal(["-1", "1", "01", "2", "10", "2147483648", "a", "b"], sorted);
    }

    [Theory]
    [InlineData("2147483647", true)]
    [InlineData("-2147483648", true)]
    [InlineData("2147483648", false)]
    [InlineData("-2147483649", false)]
    [InlineData("0000000000012", true)]
    [InlineData("12345678901", false)]
    [InlineData("-", false)]
    [InlineData("+1", false)]
    [InlineData("1.0", false)]
    [InlineData("", false)]
    public void TryParseInt32Key_FollowsFirebaseRule(string key, bool isInt)
    {
        Assert.Equal(isInt, KeyComparer.TryParseInt32Key(key, out _));
    }

    [Fact]
    public void Compare_StringsUseUtf16CodeUnitOrder()
    {
        // U+FF5E (fullwidth tilde) sorts after an astral character's surrogate pair in code-point order but before it by UTF-16 units? No:
        // surrogates (D800-DFFF) are below U+E000-U+FFFF in UTF-16 order, so the astral string sorts first.
        var astral = char.ConvertFromUtf32(0x1F600);
        Assert.True(KeyComparer.Instance.Compare(astral, "\uFF5E") < 0);
        Assert.True(KeyComparer.Instance.Compare("B", "a") < 0);
    }
}
