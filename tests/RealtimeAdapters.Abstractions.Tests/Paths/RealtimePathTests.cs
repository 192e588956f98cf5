namespace RealtimeAdapters.Abstractions.Tests.Paths;

public class RealtimePathTests
{
    [Theory]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("a", "/a")]
    [InlineData("/a//b/", "/a/b")]
    [InlineData("users/alice/name", "/users/alice/name")]
    public void Parse_ValidText_Normalises(string text, string expected)
    {
        Assert.Equal(expected, RealtimePath.Parse(text).ToString());
    }

    [Theory]
    [InlineData("a/b.c", "b.c")]
    [InlineData("a/$x", "$x")]
    [InlineData("#/b", "#")]
    [InlineData("a/[0]", "[0]")]
    [InlineData("a/x]", "x]")]
    [InlineData("a/tab\there", "\\u0009")]
    [InlineData("a/del\u007f", "\\u007f")]
    public void Parse_ForbiddenCharacter_ThrowsNamingSegment(string text, string named)
    {
        var ex = Assert.Throws<RealtimeValidationException>(() => RealtimePath.Parse(text));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        Assert.Equal(text, ex.InvalidValue);
    }

    [Fact]
    public void Parse_KeyOf768Bytes_IsValid_And769Fails()
    {
        Assert.Equal(768, RealtimePath.Parse(new string('k', 768)).Key!.Length);
        var ex = Assert.Throws<RealtimeValidationException>(() => RealtimePath.Parse(new string('k', 769)));
        Assert.Contains("768", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MultiByteKeyOver768Bytes_Fails()
    {
        // 300 'é' are 600 bytes (valid); 400 are 800 bytes (invalid) though only 400 chars.
        Assert.NotNull(RealtimePath.Parse(new string('é', 300)));
        Assert.Throws<RealtimeValidationException>(() => RealtimePath.Parse(new string('é', 400)));
    }

    [Fact]
    public void Parse_Depth31_IsValid_And32Fails()
    {
        var ok = string.Join('/', Enumerable.Repeat("a", 31));
        Assert.Equal(31, RealtimePath.Parse(ok).Depth);
        var ex = Assert.Throws<RealtimeValidationException>(() => RealtimePath.Parse(ok + "/a"));
        Assert.Contains("32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WholePathOver768Bytes_Fails()
    {
        var longPath = string.Join('/', Enumerable.Repeat(new string('x', 100), 8)); // 807 bytes
        Assert.Throws<RealtimeValidationException>(() => RealtimePath.Parse(longPath));
    }

    [Fact]
    public void Child_Parent_Key_RelativeTo_RoundTrip()
    {
        var path = RealtimePath.Root.Child("users").Child("alice/name");
        Assert.Equal("/users/alice/name", path.ToString());
        Assert.Equal("name", path.Key);
        Assert.Equal(RealtimePath.Parse("users/alice"), path.Parent);
        Assert.Equal(RealtimePath.Parse("alice/name"), RealtimePath.Parse("users").RelativeTo(path));
        Assert.True(RealtimePath.Parse("users").IsAncestorOrSelf(path));
        Assert.False(path.IsAncestorOrSelf(RealtimePath.Parse("users")));
        Assert.True(path.Overlaps(RealtimePath.Parse("users")));
        Assert.False(RealtimePath.Parse("users/bob").Overlaps(path));
        Assert.Null(RealtimePath.Root.Parent);
        Assert.Null(RealtimePath.Root.Key);
    }

    [Fact]
    public void Child_TooDeep_Throws()
    {
        var deep = RealtimePath.Parse(string.Join('/', Enumerable.Repeat("a", 30)));
        Assert.Throws<RealtimeValidationException>(() => deep.Child("b/c"));
    }

    [Fact]
    public void Equality_IsBySegments()
    {
        Assert.Equal(RealtimePath.Parse("/a/b"), RealtimePath.Parse("a/b/"));
        Assert.Equal(RealtimePath.Parse("/a/b").GetHashCode(), RealtimePath.Parse("a/b/").GetHashCode());
        Assert.NotEqual(RealtimePath.Parse("/a/b"), RealtimePath.Parse("/a/B"));
        Assert.True(RealtimePath.Parse("a") < RealtimePath.Parse("a/b"));
        Assert.True(RealtimePath.Parse("2") < RealtimePath.Parse("10"));
    }

    [Fact]
    public void TryParse_Invalid_ReturnsFalse()
    {
        Assert.False(RealtimePath.TryParse("a.b", out var p));
        Assert.Null(p);
        Assert.False(RealtimePath.TryParse(null, out _));
        Assert.True(RealtimePath.TryParse("a/b", out p));
        Assert.Equal("/a/b", p!.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(".priority")]
    [InlineData("a/b")]
    [InlineData("a\nb")]
    public void RealtimeKeys_InvalidKey_Rejected(string key)
    {
        Assert.False(RealtimeKeys.IsValid(key));
        Assert.Throws<RealtimeValidationException>(() => RealtimeKeys.Validate(key));
    }
}
