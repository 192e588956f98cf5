using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Tests.Protocol;

public sealed class SerialAndFlagTests
{
    [Fact]
    public void ChannelSerial_FormatsSortablyAndParses()
    {
        var a = new ChannelSerial("ep1", 9);
        var b = new ChannelSerial("ep1", 10);

        Assert.Equal("ep1:0000000000000009", a.ToString());
        Assert.True(string.CompareOrdinal(a.ToString(), b.ToString()) < 0);
        Assert.True(a.CompareTo(b) < 0);
        Assert.True(ChannelSerial.TryParse(b.ToString(), out var parsed));
        Assert.Equal(b, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("nocolon")]
    [InlineData(":5")]
    [InlineData("ep:")]
    [InlineData("ep:-1")]
    [InlineData("ep:12x")]
    public void ChannelSerial_Foreign_DoesNotParse(string? text)
    {
        Assert.False(ChannelSerial.TryParse(text, out _));
    }

    [Theory]
    [InlineData("sync1:cursor7", "sync1", "cursor7", false)]
    [InlineData("sync1:", "sync1", "", true)]
    [InlineData(null, "", "", true)]
    [InlineData("sync1", "sync1", "", true)]
    public void SyncCursor_Parse(string? serial, string syncId, string cursor, bool isLast)
    {
        var parsed = SyncCursor.Parse(serial);

        Assert.Equal(syncId, parsed.SyncId);
        Assert.Equal(cursor, parsed.Cursor);
        Assert.Equal(isLast, parsed.IsLast);
    }

    [Fact]
    public void Flags_Helpers_TestAndSetBits()
    {
        var flags = ProtocolFlags.HasPresence.With(ProtocolFlags.Resumed).With(ProtocolFlags.Subscribe);

        Assert.True(flags.Has(ProtocolFlags.Resumed));
        Assert.False(flags.Has(ProtocolFlags.HasBacklog));
        Assert.True(flags.HasBit(0));
        Assert.True(flags.HasBit(18));
        Assert.False(flags.HasBit(17));
        Assert.Equal(ProtocolFlags.Subscribe, flags.Modes());
        Assert.Equal(ProtocolFlags.HasPresence | ProtocolFlags.Resumed, flags.WithoutModes());
        Assert.Equal(ProtocolFlags.HasPresence | ProtocolFlags.Subscribe, flags.Without(ProtocolFlags.Resumed));
        Assert.True(flags.HasAny(ProtocolFlags.Resumed | ProtocolFlags.HasBacklog));
        Assert.True(new ProtocolMessage { Flags = flags }.HasFlag(ProtocolFlags.Subscribe));
        Assert.False(new ProtocolMessage().HasFlag(ProtocolFlags.Subscribe));
    }

    [Fact]
    public void Flags_Values_MatchTr3BitNumbers()
    {
        Assert.Equal(1 << 2, (int)ProtocolFlags.Resumed);
        Assert.Equal(1 << 4, (int)ProtocolFlags.Transient);
        Assert.Equal(1 << 7, (int)ProtocolFlags.HasObjects);
        Assert.Equal(1 << 16, (int)ProtocolFlags.Presence);
        Assert.Equal(1 << 19, (int)ProtocolFlags.PresenceSubscribe);
        Assert.Equal(1 << 25, (int)ProtocolFlags.ObjectPublish);
        Assert.Equal(21, (int)ProtocolAction.Annotation);
        Assert.Equal(17, (int)ProtocolAction.Auth);
    }

    [Fact]
    public void PresenceNewness_SameConnection_ComparesSerialThenIndex()
    {
        WirePresenceMessage Make(string id, long ts) => new() { Id = id, ConnectionId = "c1", ClientId = "bob", Timestamp = ts };

        Assert.True(PresenceNewness.IsNewer(Make("c1:5:0", 1), Make("c1:4:9", 2)));
        Assert.True(PresenceNewness.IsNewer(Make("c1:5:2", 1), Make("c1:5:1", 2)));
        Assert.False(PresenceNewness.IsNewer(Make("c1:5:1", 9), Make("c1:5:1", 1)));
        Assert.False(PresenceNewness.IsNewer(Make("c1:4:0", 9), Make("c1:5:0", 1)));
    }

    [Fact]
    public void PresenceNewness_SynthesisedLeave_ComparesTimestamps()
    {
        var entered = new WirePresenceMessage { Id = "c1:5:0", ConnectionId = "c1", ClientId = "bob", Timestamp = 100 };
        var synthesised = new WirePresenceMessage { Id = "server-leave-1", ConnectionId = "c1", ClientId = "bob", Action = PresenceAction.Leave, Timestamp = 200 };

        Assert.True(PresenceNewness.IsNewer(synthesised, entered));
        Assert.False(PresenceNewness.IsNewer(entered with { Timestamp = 100 }, synthesised));
        Assert.True(PresenceNewness.IsNewer(synthesised with { Timestamp = 100 }, entered));
    }
}
