using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;
using RealtimeAdapters.Emulator.Ably;

namespace RealtimeAdapters.Ably.Tests.Auth;

public sealed class AblyCapabilityTests
{
    [Fact]
    public void ToJson_IsCanonical()
    {
        var capability = AblyCapability.Parse("""
            { "zeta" : ["subscribe", "publish", "subscribe"],
              "alpha:*": ["presence", "history", "channel-metadata"],
              "Beta": [] }
            """);

        Assert.Equal("""{"Beta":[],"alpha:*":["channel-metadata","history","presence"],"zeta":["publish","subscribe"]}""", capability.ToJson());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"a":"publish"}""")]
    [InlineData("""{"a":[1]}""")]
    [InlineData("""{"a":["fly"]}""")]
    [InlineData("""{"":["publish"]}""")]
    public void Parse_Invalid_Throws40000(string json)
    {
        var ex = Assert.Throws<AblyProtocolException>(() => AblyCapability.Parse(json));

        Assert.Equal(AblyErrorCodes.BadRequest, ex.Error.Code);
        Assert.StartsWith("Invalid capability", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("foo:*", "foo:bar", true)]
    [InlineData("foo:*", "foo:bar:baz", true)]
    [InlineData("foo:*", "foo", false)]
    [InlineData("foo:*:baz", "foo:bar:baz", true)]
    [InlineData("foo:*:baz", "foo:a:b:baz", false)]
    [InlineData("foo:*:baz", "foo:bar:qux", false)]
    [InlineData("foo*", "foo*", true)]
    [InlineData("foo*", "foobar", false)]
    [InlineData("foo*", "foo", false)]
    [InlineData("*", "anything", true)]
    [InlineData("*", "a:b:c", true)]
    [InlineData("*", "[meta]connection.lifecycle", false)]
    [InlineData("*", "[queue]app:q", false)]
    [InlineData("[*]*", "[meta]connection.lifecycle", true)]
    [InlineData("[*]*", "[queue]app:q", true)]
    [InlineData("[*]*", "plain", true)]
    [InlineData("[meta]*", "[meta]x", true)]
    [InlineData("[meta]*", "plain", false)]
    [InlineData("chat", "chat", true)]
    [InlineData("chat", "chat:1", false)]
    [InlineData("chat", "Chat", false)]
    [InlineData("chat:*", "[?rewind=1]chat:room", true)]
    [InlineData("*:b", "a:b", true)]
    [InlineData("*:b", "a:c:b", false)]
    public void Matches_SpecWildcards(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, AblyCapabilityRules.Matches(pattern, name));
    }

    [Theory]
    [InlineData("foo:*", "foo:bar:baz", true)]
    [InlineData("foo:*", "foo:*", true)]
    [InlineData("foo:*", "foo:*:baz", true)]
    [InlineData("foo:*:baz", "foo:a:b:baz", false)]
    [InlineData("foo:*:baz", "foo:*", false)]
    [InlineData("foo:bar", "foo:*", false)]
    [InlineData("*", "foo:*", true)]
    [InlineData("*", "[meta]*", false)]
    [InlineData("[*]*", "[meta]*", true)]
    [InlineData("[*]*", "*", true)]
    [InlineData("*", "[*]*", false)]
    [InlineData("foo*", "foo:*", false)]
    public void Covers_Patterns(string outer, string inner, bool expected)
    {
        Assert.Equal(expected, AblyCapabilityRules.Covers(outer, inner));
    }

    [Fact]
    public void Allows_ChecksOperationAndResource()
    {
        var capability = AblyCapability.Parse("""{"chat:*":["publish","subscribe","presence"],"*":["subscribe"],"admin":["*"]}""");

        Assert.True(capability.Allows("chat:room", "publish"));
        Assert.True(capability.Allows("chat:room", "presence"));
        Assert.False(capability.Allows("chat:room", "history"));
        Assert.True(capability.Allows("news", "subscribe"));
        Assert.False(capability.Allows("news", "publish"));
        Assert.True(capability.Allows("admin", "channel-metadata"));
        Assert.False(capability.Allows("[meta]log", "subscribe"));
        Assert.False(capability.Allows("x", "stats"));
    }

    [Fact]
    public void AllowsStats_OnlyOnWildcardResources()
    {
        Assert.True(AblyCapability.Parse("""{"*":["stats"]}""").AllowsStats());
        Assert.True(AblyCapability.Parse("""{"[*]*":["*"]}""").AllowsStats());
        Assert.False(AblyCapability.Parse("""{"chat":["stats"]}""").AllowsStats());
    }

    [Fact]
    public void GetPermittedModes_MapsOperations()
    {
        var capability = AblyCapability.Parse("""{"a":["subscribe"],"b":["publish","presence"],"c":["*"]}""");

        Assert.Equal(ProtocolFlags.Subscribe | ProtocolFlags.PresenceSubscribe, capability.GetPermittedModes("a"));
        Assert.Equal(ProtocolFlags.Publish | ProtocolFlags.Presence, capability.GetPermittedModes("b"));
        Assert.Equal(ProtocolFlags.AllModes, capability.GetPermittedModes("c"));
        Assert.Equal(ProtocolFlags.None, capability.GetPermittedModes("d"));
    }

    [Fact]
    public void Intersect_NarrowerRequest_KeepsRequestedResourceAndCommonOperations()
    {
        var key = AblyCapability.Parse("""{"foo:*":["publish","subscribe"],"bar":["*"]}""");
        var requested = AblyCapability.Parse("""{"foo:bar:baz":["subscribe","presence"],"bar":["history"],"other":["publish"]}""");

        var token = key.Intersect(requested);

        Assert.Equal("""{"bar":["history"],"foo:bar:baz":["subscribe"]}""", token.ToJson());
    }

    [Fact]
    public void Intersect_WiderRequest_KeepsKeyResource()
    {
        var key = AblyCapability.Parse("""{"foo:bar":["publish"]}""");

        var token = key.Intersect(AblyCapability.Parse("""{"*":["*"]}"""));

        Assert.Equal("""{"foo:bar":["publish"]}""", token.ToJson());
    }

    [Fact]
    public void Intersect_FullKey_GivesRequested()
    {
        var requested = AblyCapability.Parse("""{"a:*":["subscribe"],"[meta]*":["subscribe"]}""");

        Assert.Equal("""{"a:*":["subscribe"]}""", AblyCapability.AllowAll.Intersect(requested).ToJson());
        Assert.Equal(requested.ToJson(), AblyCapability.Parse("""{"[*]*":["*"]}""").Intersect(requested).ToJson());
    }

    [Fact]
    public void Intersect_NotCoveredWildcard_IsExcluded()
    {
        var key = AblyCapability.Parse("""{"foo:*:baz":["publish"]}""");

        var ex = Assert.Throws<AblyProtocolException>(() => key.Intersect(AblyCapability.Parse("""{"foo:a:b:baz":["publish"]}""")));

        Assert.Equal(AblyErrorCodes.CapabilityDenied, ex.Error.Code);
        Assert.Equal(401, ex.Error.StatusCode);
    }

    [Fact]
    public void Intersect_DisjointOperations_Throws40160()
    {
        var key = AblyCapability.Parse("""{"*":["subscribe"]}""");

        var ex = Assert.Throws<AblyProtocolException>(() => key.Intersect(AblyCapability.Parse("""{"chat":["publish"]}""")));

        Assert.Equal(AblyErrorCodes.CapabilityDenied, ex.Error.Code);
    }

    [Fact]
    public void IsEmpty_OnlyWhenNothingGranted()
    {
        Assert.True(AblyCapability.Empty.IsEmpty);
        Assert.True(AblyCapability.Parse("""{"a":[]}""").IsEmpty);
        Assert.False(AblyCapability.AllowAll.IsEmpty);
        Assert.Equal("""{"*":["*"]}""", AblyCapability.AllowAll.ToJson());
    }
}
