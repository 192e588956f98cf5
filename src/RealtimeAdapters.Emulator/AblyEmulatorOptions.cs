namespace RealtimeAdapters.Emulator;

/// <summary>Settings of the emulator's Ably front end (REST + realtime WebSocket protocol, JSON and msgpack).</summary>
public sealed class AblyEmulatorOptions
{
    /// <summary>The key created when <see cref="Keys"/> is empty: full access (<c>{"*":["*"]}</c>).</summary>
    public const string DefaultKey = "emulator.default:emulator-secret";

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
