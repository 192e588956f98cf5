namespace RealtimeAdapters.Ably.Protocol;

/// <summary>The two wire formats: JSON (WebSocket text frames, <c>application/json</c>) and msgpack (binary frames, <c>application/x-msgpack</c>).</summary>
public enum WireFormat
{
    Json,
    MsgPack,
}
