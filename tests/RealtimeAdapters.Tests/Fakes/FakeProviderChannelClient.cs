namespace RealtimeAdapters.Tests.Fakes;

/// <summary>Stands for "another channel provider" (say Ably); it never gets used once swapped out.</summary>
internal sealed class FakeProviderChannelClient : IChannelClient
{
    public RealtimeProviderMetadata Metadata { get; } = new(FakeProviderStore.Name, RealtimeCapabilities.Channels);

    public IRealtimeConnection Connection => throw new NotSupportedException();

    public string? ClientId => "fake";

    public IChannel GetChannel(string name) => throw new NotSupportedException();

    public ValueTask ReleaseChannelAsync(string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
