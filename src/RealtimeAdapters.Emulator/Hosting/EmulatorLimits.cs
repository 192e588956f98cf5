namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// The names of the limits a refusal is counted under (<c>realtime_emulator_limits_refused_total{realtime_emulator_limit=…}</c>)
/// and the provider tags of the two front ends.
/// </summary>
internal static class EmulatorLimits
{
    public const string Firebase = "Firebase";
    public const string Ably = "Ably";

    /// <summary>A connection over the per-IP limit (HTTP 429 before the upgrade or the stream).</summary>
    public const string ConnectionsPerIp = "connections_per_ip";

    /// <summary>A publish over the per-connection message rate (Ably 42911).</summary>
    public const string ConnectionRate = "connection_rate";

    /// <summary>A connection over the protocol message rate, ended (Ably 42924).</summary>
    public const string ProtocolRate = "protocol_rate";

    /// <summary>A publish over the per-channel message rate (Ably 42913).</summary>
    public const string ChannelRate = "channel_rate";

    /// <summary>A published message over the message size limit (Ably 40009; the connection stays).</summary>
    public const string MessageSize = "message_size";

    /// <summary>A WebSocket message over the frame or message size limit (the connection is closed).</summary>
    public const string FrameSize = "frame_size";

    /// <summary>A REST request body over the size limit.</summary>
    public const string BodySize = "body_size";

    /// <summary>A connection closed for sending nothing for the idle timeout.</summary>
    public const string IdleTimeout = "idle_timeout";
}
