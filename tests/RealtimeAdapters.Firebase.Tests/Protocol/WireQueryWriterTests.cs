using System.Text;
using System.Text.Json;
using RealtimeAdapters.Firebase.Protocol;

namespace RealtimeAdapters.Firebase.Tests.Protocol;

/// <summary>Queries written as the official SDKs write them in a listen's <c>q</c> (the examples of specs/firebase-websocket.md).</summary>
public sealed class WireQueryWriterTests
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "startAfter(1) by child", """{"sp":1,"sn":"[MAX_NAME]","sin":false,"i":"score"}""" },
        { "endBefore(3,'k') by child", """{"ep":3,"en":"k","ein":false,"i":"score"}""" },
        { "endBefore(3) by child", """{"ep":3,"en":"[MIN_NAME]","ein":false,"i":"score"}""" },
        { "equalTo('x') by child a/b", """{"sp":"x","sin":true,"ep":"x","ein":true,"i":"a/b"}""" },
        { "startAt('b') endAt('c') by key", """{"sp":"b","sin":true,"ep":"c","ein":true,"i":".key"}""" },
        { "startAfter('b') by key", """{"sp":"b","sin":false,"i":".key"}""" },
        { "startAt(null,'k1') by value", """{"sp":null,"sn":"k1","sin":true,"i":".value"}""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_AsTheSdksWriteIt(string name, string expected)
    {
        var query = name switch
        {
            "startAfter(1) by child" => RealtimeQuery.At("s").OrderByChild("score").WithStartAfter(1),
            "endBefore(3,'k') by child" => RealtimeQuery.At("s").OrderByChild("score").WithEndBefore(3, "k"),
            "endBefore(3) by child" => RealtimeQuery.At("s").OrderByChild("score").WithEndBefore(3),
            "equalTo('x') by child a/b" => RealtimeQuery.At("s").OrderByChild("a/b").WithEqualTo("x"),
            "startAt('b') endAt('c') by key" => RealtimeQuery.At("s").OrderByKey().WithStartAt("b").WithEndAt("c"),
            "startAfter('b') by key" => RealtimeQuery.At("s").OrderByKey().WithStartAfter("b"),
            "startAt(null,'k1') by value" => RealtimeQuery.At("s").OrderByValue().WithStartAt(DataNode.Null, "k1"),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WireQueryWriter.Write(writer, query);
        }

        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
