namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>The same binding over the msgpack wire format.</summary>
public sealed class AblyMsgPackFixture : AblyFixture
{
    protected override bool UseBinaryProtocol => true;
}
