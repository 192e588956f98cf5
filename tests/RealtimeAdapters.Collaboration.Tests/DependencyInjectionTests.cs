using Microsoft.Extensions.DependencyInjection;
using RealtimeAdapters.Collaboration;
using static RealtimeAdapters.Collaboration.Tests.Support;

namespace RealtimeAdapters.Collaboration.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddCollaboration_UsesTheRegisteredChannelClientByKey_AndTheUnkeyedStore()
    {
        var services = new ServiceCollection();
        services.AddRealtime().AddKeyedInMemoryChannels("collab", o => o.ClientId = "alice").AddInMemoryStore();
        services.AddCollaboration("todos", d => { d.Channel = "doc:todos"; d.ServiceKey = "collab"; });
        services.AddCollaboration("notes", d => d.StorePath = "docs/notes");
        await using var provider = services.BuildServiceProvider();
        var sessions = provider.GetRequiredService<CollaborationSessions>();
        Assert.Equal(["notes", "todos"], sessions.Names);

        var todos = await sessions.GetAsync("todos", Ct);
        Assert.Same(todos, await sessions.GetAsync("todos", Ct));
        Assert.Equal("alice", todos.Document.ClientId); // the keyed client's id: the channel transport was used
        todos.Document.GetList<string>("items").Add("milk");
        Assert.True(await todos.FlushAsync(Ct));
        var history = await provider.GetRequiredKeyedService<IChannelClient>("collab").GetChannel("doc:todos").GetHistoryAsync(cancellationToken: Ct);
        Assert.Contains(history.Items, static m => m.Name == ChannelTransport.OperationEvent);

        var notes = await sessions.GetAsync("notes", Ct);
        notes.Document.GetRegister<string>("title").Set("hello");
        Assert.True(await notes.FlushAsync(Ct));
        var ops = await provider.GetRequiredService<IRealtimeStore>().GetAsync(RealtimePath.Parse("docs/notes/ops"), Ct);
        Assert.False(ops.Node.IsNull);

        var unknown = await Assert.ThrowsAsync<ArgumentException>(async () => await sessions.GetAsync("nope", Ct));
        Assert.Contains("notes, todos", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCollaboration_WithNeitherOrBothTransports_OrTwiceUnderOneName_Throws()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentException>(() => services.AddCollaboration("a", _ => { }));
        Assert.Throws<ArgumentException>(() => services.AddCollaboration("a", d => { d.Channel = "c"; d.StorePath = "p"; }));
        services.AddCollaboration("a", d => d.Channel = "c");
        var ex = Assert.Throws<ArgumentException>(() => services.AddCollaboration("a", d => d.Channel = "c"));
        Assert.Contains("already registered", ex.Message, StringComparison.Ordinal);
    }
}
