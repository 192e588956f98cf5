using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Collaboration;

namespace RealtimeAdapters.Collaboration.Tests;

/// <summary>Malformed, future-version and forged input is refused with a reason naming the field, and changes nothing.</summary>
public sealed class RejectionTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string Now = Start.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private readonly CollaborativeDocument _doc = new(new CollaborativeDocumentOptions { ClientId = "bob", ReplicaId = "bob#1", TimeProvider = new FakeTimeProvider(Start) });

    public static TheoryData<string, RejectionReason, string?> BadOperations => new()
    {
        { "not json", RejectionReason.Malformed, null },
        { "[1]", RejectionReason.Malformed, null },
        { $$$"""{"id":"{{{Now}}}.0.alice#1","a":"alice","o":"l","k":"list","c":{}}""", RejectionReason.Malformed, "v" },
        { $$$"""{"v":2,"id":"{{{Now}}}.0.alice#1","a":"alice","o":"l","k":"list","c":{"x":1}}""", RejectionReason.UnsupportedVersion, "v" },
        { $$$"""{"v":1,"id":"yesterday","a":"alice","o":"l","k":"list","c":{"v:1.0.a":1}}""", RejectionReason.Malformed, "id" },
        { $$$"""{"v":1,"id":"{{{Now}}}.0.alice#1","a":"alice","o":"","k":"list","c":{"v:1.0.a":1}}""", RejectionReason.Malformed, "o" },
        { $$$"""{"v":1,"id":"{{{Now}}}.0.alice#1","a":"alice","o":"l","k":"tree","c":{"v:1.0.a":1}}""", RejectionReason.Malformed, "k" },
        { $$$"""{"v":1,"id":"{{{Now}}}.0.alice#1","a":"alice","o":"l","k":"list","c":{}}""", RejectionReason.Malformed, "c" },
        { $$$"""{"v":1,"id":"{{{Now}}}.0.alice#1","a":"alice","o":"l","k":"list","c":{"x:1.0.a":1}}""", RejectionReason.Malformed, "x:1.0.a" },
        { $$$"""{"v":1,"id":"{{{Now}}}.0.alice#1","a":"alice","o":"l","k":"list","c":{"p:1.0.a":"zz0"}}""", RejectionReason.Malformed, "p:1.0.a" },
        { $$$"""{"v":1,"id":"{{{Now}}}.0.alice#1","a":"alice","o":"l","k":"list","c":{"d:1.0.a":false}}""", RejectionReason.Malformed, "d:1.0.a" },
        { $$$"""{"v":1,"id":"{{{Now}}}.0.alice#1","a":"alice","o":"s","k":"set","c":{"a:1.0.bob#1":5}}""", RejectionReason.Malformed, "a:1.0.bob#1" },
        { $$$"""{"v":1,"id":"{{{Now}}}.0.alice#1","a":"alice","o":"r","k":"register","c":{"w":5}}""", RejectionReason.Malformed, "w" },
    };

    [Theory]
    [MemberData(nameof(BadOperations))]
    public void Parse_BadOperation_IsRejectedNamingTheField(string json, RejectionReason reason, string? field)
    {
        var ex = Assert.Throws<OperationRejectedException>(() => CrdtOperation.Parse(json));
        Assert.Equal(reason, ex.Reason);
        Assert.Equal(field, ex.Field);
        Assert.StartsWith("Rejected operation", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_AuthorOtherThanTheSenderTheBackendStamped_IsRejectedAsForged_AndChangesNothing()
    {
        var before = _doc.ExportSnapshot();
        var op = CrdtOperation.Parse($$$"""{"v":1,"id":"{{{Now}}}.0.alice#1","a":"alice","o":"r","k":"register","c":{"v":5}}""");
        var ex = Assert.Throws<OperationRejectedException>(() => _doc.Apply(op, senderKnown: true, sender: "mallory"));
        Assert.Equal((RejectionReason.Forged, "a"), (ex.Reason, ex.Field));
        Assert.Contains("mallory", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, _doc.ExportSnapshot());
        Assert.True(_doc.Apply(op, senderKnown: true, sender: "alice"));
    }

    [Fact]
    public void Apply_ReplicaThatIsNotTheAuthors_IsRejectedAsForged()
    {
        var op = CrdtOperation.Parse($$$"""{"v":1,"id":"{{{Now}}}.0.alice#1","a":"mallory","o":"r","k":"register","c":{"v":5}}""");
        var ex = Assert.Throws<OperationRejectedException>(() => _doc.Apply(op, senderKnown: true, sender: "mallory"));
        Assert.Equal((RejectionReason.Forged, "id"), (ex.Reason, ex.Field));
        Assert.False(_doc.GetRegister<int>("r").HasValue);
    }

    [Fact]
    public void Apply_TimestampFarInTheFuture_IsRejected_SoItCannotWinForever()
    {
        var future = Start.AddDays(2).ToUnixTimeMilliseconds();
        var op = CrdtOperation.Parse($$$"""{"v":1,"id":"{{{future}}}.0.alice#1","a":"alice","o":"r","k":"register","c":{"v":5}}""");
        var ex = Assert.Throws<OperationRejectedException>(() => _doc.Apply(op, senderKnown: true, sender: "alice"));
        Assert.Equal(RejectionReason.ClockDrift, ex.Reason);
        Assert.False(_doc.GetRegister<int>("r").HasValue);
    }

    [Fact]
    public void Apply_ObjectOfAnotherType_IsRejectedAsKindMismatch_AndTheListIsIntact()
    {
        var list = _doc.GetList<int>("todos");
        list.Add(1);
        var before = _doc.ExportSnapshot();
        var op = CrdtOperation.Parse($$$"""{"v":1,"id":"{{{Now}}}.0.alice#1","a":"alice","o":"todos","k":"map","c":{"k:x":5}}""");
        var ex = Assert.Throws<OperationRejectedException>(() => _doc.Apply(op, senderKnown: true, sender: "alice"));
        Assert.Equal(RejectionReason.KindMismatch, ex.Reason);
        Assert.Equal(before, _doc.ExportSnapshot());
        Assert.Equal([1], list);
    }

    [Fact]
    public void ParseSnapshot_NewerVersionOrBadCell_IsRejected()
    {
        Assert.Equal(RejectionReason.UnsupportedVersion, Assert.Throws<OperationRejectedException>(() => DocumentState.ParseSnapshot("""{"v":9,"o":{}}""")).Reason);
        var bad = Assert.Throws<OperationRejectedException>(() => DocumentState.ParseSnapshot("""{"v":1,"o":{"l":{"k":"list","c":{"p:1.0.a":["1.0.a",42]}}}}"""));
        Assert.Equal((RejectionReason.Malformed, "p:1.0.a"), (bad.Reason, bad.Field));
        Assert.StartsWith("Rejected snapshot", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Snapshot_WithoutAHorizon_StaysVersion1_AndOneWithAHorizonIsVersion2()
    {
        _doc.GetList<int>("l").Add(1);
        Assert.StartsWith("""{"v":1,"o":""", _doc.ExportSnapshot(), StringComparison.Ordinal);
        var purging = new CollaborativeDocument(new CollaborativeDocumentOptions { ReplicaId = "p", TimeProvider = new FakeTimeProvider(Start), TombstoneRetention = TimeSpan.FromDays(1) });
        purging.GetList<int>("l").Add(1);
        var snapshot = purging.ExportSnapshot();
        Assert.StartsWith($$"""{"v":2,"h":{{Start.AddDays(-1).ToUnixTimeMilliseconds()}},"o":""", snapshot, StringComparison.Ordinal);
        Assert.Equal(Start.AddDays(-1).ToUnixTimeMilliseconds(), DocumentState.ParseSnapshot(snapshot).Horizon);
        Assert.Equal(RejectionReason.Malformed, Assert.Throws<OperationRejectedException>(() => DocumentState.ParseSnapshot("""{"v":2,"h":"x","o":{}}""")).Reason);
    }

    [Fact]
    public void Merge_SnapshotWithAHorizonAheadOfTheClock_IsRejected_AndChangesNothing()
    {
        _doc.GetList<int>("l").Add(1);
        var before = _doc.ExportSnapshot();
        var forged = DocumentState.ParseSnapshot($$$"""{"v":2,"h":{{{Start.AddDays(30).ToUnixTimeMilliseconds()}}},"o":{}}""");
        var ex = Assert.Throws<OperationRejectedException>(() => _doc.Merge(forged));
        Assert.Equal(RejectionReason.ClockDrift, ex.Reason);
        Assert.Equal(before, _doc.ExportSnapshot());
        Assert.Equal([1], _doc.GetList<int>("l"));
    }

    [Fact]
    public void GetList_NameHoldingAMap_ThrowsCollaborationException()
    {
        _doc.GetMap<int>("m").Set("a", 1);
        var ex = Assert.Throws<CollaborationException>(() => _doc.GetList<int>("m"));
        Assert.Contains("\"m\"", ex.Message, StringComparison.Ordinal);
    }
}
