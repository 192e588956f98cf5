using RealtimeAdapters.Emulator.Firebase;

namespace RealtimeAdapters.Emulator.Tests.Firebase;

public class FirebaseTargetTests
{
    [Theory]
    [InlineData("/a/b.json", "/a/b", false, false)]
    [InlineData("/.json", "/", false, false)]
    [InlineData("/a/.json", "/a", false, false)]
    [InlineData("/a//b/.json", "/a/b", false, false)]
    [InlineData("/a/.priority.json", "/a", true, false)]
    [InlineData("/.settings/rules.json", "/", false, true)]
    [InlineData("/caf%C3%A9.json", "/café", false, false)]
    public void Parse_JsonPaths(string raw, string path, bool priority, bool rules)
    {
        var target = FirebaseTarget.Parse(raw);
        Assert.NotNull(target);
        Assert.Equal(path, target.Path.ToString());
        Assert.Equal(priority, target.IsPriority);
        Assert.Equal(rules, target.IsRules);
    }

    [Theory]
    [InlineData("/a")]
    [InlineData("/a.JSON")]
    [InlineData("a.json")]
    public void Parse_NotJson_Null(string raw) => Assert.Null(FirebaseTarget.Parse(raw));

    [Theory]
    [InlineData("%ZZ")]
    [InlineData("%4")]
    [InlineData("abc%")]
    [InlineData("%C3")]
    [InlineData("%C0%AF")]
    [InlineData("%ED%A0%80")]
    public void PercentDecode_Malformed_400(string text)
    {
        var error = Assert.Throws<FirebaseHttpException>(() => FirebaseTarget.PercentDecode(text));
        Assert.Equal(400, error.StatusCode);
        Assert.StartsWith("Invalid URL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a+b", false, "a+b")]
    [InlineData("a+b", true, "a b")]
    [InlineData("a%2Bb", true, "a+b")]
    [InlineData("%F0%9F%8C%8D", false, "🌍")]
    public void PercentDecode_Valid(string text, bool plusIsSpace, string expected) =>
        Assert.Equal(expected, FirebaseTarget.PercentDecode(text, plusIsSpace));
}
