namespace RealtimeAdapters.Ably.Protocol;

/// <summary>The two wire formats: JSON (WebSocket text frames, <c>application/json</c>) and msgpack (binary frames, <c>application/x-msgpack</c>).</summary>
public enum WireFormat
{
    /// <summary>JSON: text frames, <c>application/json</c> bodies.</summary>
    Json,
    /// <summary>msgpack: binary frames, <c>application/x-msgpack</c> bodies.</summary>
    MsgPack,
}
