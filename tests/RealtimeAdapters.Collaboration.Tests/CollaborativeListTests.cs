using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Collaboration;

namespace RealtimeAdapters.Collaboration.Tests;

public sealed class CollaborativeListTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private CollaborativeDocument NewDoc(string client) =>
        new(new CollaborativeDocumentOptions { ClientId = client, ReplicaId = client + "#1", TimeProvider = _time });

    [Fact]
    public void Edits_ApplyAtOnce_InOrder()
    {
        var list = NewDoc("a").GetList<string>("todos");
        list.Add("milk");
        list.Add("eggs");
        list.Insert(1, "bread");
        list.Insert(0, "tea");
        Assert.Equal(["tea", "milk", "bread", "eggs"], list);
        list.Move(0, 3);
        Assert.Equal(["milk", "bread", "eggs", "tea"], list);
        list.Set(1, "rye bread");
        list.RemoveAt(0);
        Assert.Equal(["rye bread", "eggs", "tea"], list);
        var id = list.Items[2].Id;
        Assert.True(list.MoveTo(id, 0));
        Assert.Equal(0, list.IndexOf(id));
        list.Clear();
        Assert.Empty(list);
        Assert.False(list.Remove(id));
    }

    [Fact]
    public void Changed_ReportsLocalEditsAsLocal_AndRemoteOnesAsRemote()
    {
        var a = NewDoc("a");
        var b = NewDoc("b");
        a.OperationSink = op => b.Apply(op, senderKnown: true, op.ClientId);
        var events = new List<(string, ChangeOrigin)>();
        a.GetList<int>("l").Changed += (_, e) => events.Add((e.ObjectName, e.Origin));
        var remote = new List<ChangeOrigin>();
        b.GetList<int>("l").Changed += (_, e) => remote.Add(e.Origin);
        a.GetList<int>("l").Add(1);
        Assert.Equal([("l", ChangeOrigin.Local)], events);
        Assert.Equal([ChangeOrigin.Remote], remote);
        Assert.Equal([1], b.GetList<int>("l"));
    }

    [Fact]
    public void RemoveWinsOverAConcurrentUpdate()
    {
        var a = NewDoc("a");
        var b = NewDoc("b");
        var ops = new List<CrdtOperation>();
        a.OperationSink = ops.Add;
        var id = a.GetList<int>("l").Add(1);
        b.Apply(ops[0], true, "a");
        b.OperationSink = op => a.Apply(op, true, "b");
        a.OperationSink = null;
        _time.Advance(TimeSpan.FromSeconds(1));
        b.GetList<int>("l").Update(id, 2);   // later than the removal below
        a.GetList<int>("l").Remove(id);
        Assert.Empty(a.GetList<int>("l"));
    }

    [Fact]
    public void MapSetAndRegister_Basics()
    {
        var doc = NewDoc("a");
        var map = doc.GetMap<int>("m");
        map["x"] = 1;
        map.Set("y", 2);
        Assert.True(map.Remove("x"));
        Assert.Equal([new KeyValuePair<string, int>("y", 2)], map);
        var set = doc.GetSet<string>("s");
        set.Add("a");
        set.Add("a");
        Assert.Single(set);
        Assert.True(set.Remove("a"));
        Assert.False(set.Contains("a"));
        var reg = doc.GetRegister<string>("r");
        reg.Set("v1");
        reg.Set("v2");
        Assert.Equal("v2", reg.Value);
        Assert.Equal(["m", "r", "s"], doc.ObjectNames);
    }
}
