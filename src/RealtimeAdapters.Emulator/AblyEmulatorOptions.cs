namespace RealtimeAdapters.Emulator;

/// <summary>Settings of the emulator's Ably front end (REST + realtime WebSocket protocol, JSON and msgpack).</summary>
public sealed class AblyEmulatorOptions
{
    /// <summary>The key created when <see cref="Keys"/> is empty: full access (<c>{"*":["*"]}</c>).</summary>
    public const string DefaultKey = "emulator.default:emulator-secret";

    /// <summary>The default <see cref="MaxFrameSize"/>: 512 KiB.</summary>
    public const int DefaultMaxFrameSize = 512 * 1024;

    /// <summary>Whether to serve the Ably protocol. Off by default; the command line's <c>--ably-port</c> turns it on.</summary>
    public bool Enabled { get; set; }

    /// <summary>The TCP port; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The API keys, each <c>APP.KEY:SECRET</c> optionally followed by <c>=</c> and a capability JSON object (full access
    /// when omitted). Empty (the default) means one full-access key, <see cref="DefaultKey"/>.
    /// </summary>
    public IList<string> Keys { get; } = [];

    /// <summary>How long a lost connection can be resumed (<c>connectionStateTtl</c>). 2 minutes by default.</summary>
    public TimeSpan ConnectionStateTtl { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The <c>maxIdleInterval</c> announced to clients and the heartbeat period. 15 seconds by default.</summary>
    public TimeSpan MaxIdleInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long after a connection is lost its presence members are made to leave. 15 seconds by default.</summary>
    public TimeSpan PresenceLeaveDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The largest message in bytes (TM6 size); larger publishes are refused with 40009. 65536 by default.</summary>
    public int MaxMessageSize { get; set; } = 65536;

    /// <summary>
    /// The largest realtime frame in bytes (announced as <c>connectionDetails.maxFrameSize</c>); a larger frame gets an
    /// ERROR with 40009 and the connection is closed. 524288 (512 KiB, the service's) by default.
    /// </summary>
    public int MaxFrameSize { get; set; } = DefaultMaxFrameSize;

    /// <summary>The largest REST request body in bytes; a larger one gets 40009 (HTTP 400). 4 MiB by default.</summary>
    public int MaxRequestBodySize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// How many realtime WebSocket connections one client IP address may hold open at once; one more is refused before the
    /// upgrade with HTTP 429 and error 42922 (the client backs off and retries). 0 (the default) means no limit.
    /// </summary>
    public int MaxConnectionsPerIp { get; set; }

    /// <summary>
    /// The messages per second one realtime connection may publish (messages and presence updates, a token bucket holding
    /// one second's worth); a publish over it is NACKed with 42911 and the connection stays. Also announced as
    /// <c>connectionDetails.maxInboundRate</c>. 0 (the default) means no limit (the service allows 50 by default).
    /// </summary>
    public double MaxMessagesPerSecondPerConnection { get; set; }

    /// <summary>
    /// The messages per second all publishers together may publish on one channel (realtime and REST); over it a realtime
    /// publish is NACKed and a REST publish refused (HTTP 429) with 42913. 0 (the default) means no limit (the service
    /// allows 50 by default).
    /// </summary>
    public double MaxMessagesPerSecondPerChannel { get; set; }

    /// <summary>
    /// The protocol messages per second (every frame: publishes, ATTACH/DETACH, HEARTBEAT…) one realtime connection may
    /// send, a token bucket holding one second's worth; one over it ends the connection with ERROR 42924, as the service's
    /// flood protection does for a runaway client (about 2000/s there). 0 (the default) means no limit.
    /// </summary>
    public double MaxProtocolMessagesPerSecond { get; set; }

    /// <summary>
    /// How long a realtime connection may send nothing (no frame of any kind: a HEARTBEAT keeps it open) before the
    /// emulator sends DISCONNECTED with 80003 and closes it; the client can resume. <see langword="null"/> (the default)
    /// means never.
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>
    /// Where to send Ably-format webhooks (channel messages, presence events, channel lifecycle), as an integration rule
    /// in batch mode with "Sign with key" does. Empty (the default): none are sent.
    /// </summary>
    public IList<Uri> WebhookUrls { get; } = [];

    /// <summary>The name (<c>APP.KEY</c>) of the key webhooks are signed with; the first key when omitted.</summary>
    public string? WebhookKey { get; set; }

    /// <summary>
    /// How long a channel with webhooks must have had no attached connection, no presence member and no use before a
    /// <c>channel.closed</c> lifecycle webhook is sent (the service releases a channel within two minutes of the last
    /// client leaving). 2 minutes by default.
    /// </summary>
    public TimeSpan WebhookChannelIdle { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The first delay before a failed webhook request (5xx, timeout, no connection) is sent again; each further retry
    /// waits √2 times longer, up to a minute. 1 second by default.
    /// </summary>
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="RealtimeValidationException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        static bool IsRate(double rate) => rate >= 0 && double.IsFinite(rate);

        if (Port is < 0 or > 65535)
        {
            throw new RealtimeValidationException($"Invalid Ably port {Port}: use 0 (any free port) to 65535.", "Ably.Port");
        }

        if (ConnectionStateTtl <= TimeSpan.Zero || MaxIdleInterval <= TimeSpan.Zero || PresenceLeaveDelay < TimeSpan.Zero)
        {
            throw new RealtimeValidationException(
                "Ably.ConnectionStateTtl and Ably.MaxIdleInterval must be positive, Ably.PresenceLeaveDelay not negative.", "Ably");
        }

        if (WebhookChannelIdle <= TimeSpan.Zero || WebhookRetryDelay <= TimeSpan.Zero)
        {
            throw new RealtimeValidationException("Ably.WebhookChannelIdle and Ably.WebhookRetryDelay must be positive.", "Ably");
        }

        if (MaxMessageSize < 1)
        {
            throw new RealtimeValidationException("Ably.MaxMessageSize must be positive.", "Ably.MaxMessageSize");
        }

        if (MaxFrameSize < 1 || MaxRequestBodySize < 1)
        {
            throw new RealtimeValidationException("Ably.MaxFrameSize and Ably.MaxRequestBodySize must be positive.", "Ably.MaxFrameSize");
        }

        if (MaxConnectionsPerIp < 0)
        {
            throw new RealtimeValidationException("Ably.MaxConnectionsPerIp must not be negative (0: no limit).", "Ably.MaxConnectionsPerIp");
        }

        if (!IsRate(MaxMessagesPerSecondPerConnection) || !IsRate(MaxMessagesPerSecondPerChannel) || !IsRate(MaxProtocolMessagesPerSecond))
        {
            throw new RealtimeValidationException(
                "Ably.MaxMessagesPerSecondPerConnection, Ably.MaxMessagesPerSecondPerChannel and Ably.MaxProtocolMessagesPerSecond must be finite and not negative (0: no limit).",
                "Ably.MaxMessagesPerSecondPerConnection");
        }

        if (IdleTimeout <= TimeSpan.Zero)
        {
            throw new RealtimeValidationException("Ably.IdleTimeout must be positive (null: no idle timeout).", "Ably.IdleTimeout");
        }

        foreach (var key in Keys)
        {
            _ = Ably.AblyKeyEntry.Parse(key);
        }

        foreach (var url in WebhookUrls)
        {
            if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new RealtimeValidationException("Ably.WebhookUrls holds a URL that is not absolute http or https.", "Ably.WebhookUrls");
            }
        }

        if (WebhookKey is { } name)
        {
            var names = Keys.Count == 0 ? [DefaultKey] : Keys;
            if (!names.Any(k => k.StartsWith(name + ":", StringComparison.Ordinal)))
            {
                throw new RealtimeValidationException($"Ably.WebhookKey \"{name}\" names none of the keys.", "Ably.WebhookKey");
            }
        }
    }
}
