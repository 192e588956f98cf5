namespace RealtimeAdapters.Emulator;

/// <summary>
/// Settings of the emulator's Firebase Realtime Database front end: REST + Server-Sent Events, and the realtime WebSocket
/// protocol (<c>/.ws</c>) that the official SDKs speak.
/// </summary>
public sealed class FirebaseEmulatorOptions
{
    /// <summary>The default largest request body: 256 MB, the service's limit for a REST write.</summary>
    public const long DefaultMaxRequestBodySize = 256L * 1024 * 1024;

    /// <summary>Whether to serve the Firebase protocol. On by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The TCP port; 0 picks a free one. 9000 (the official emulator's port) by default.</summary>
    public int Port { get; set; } = 9000;

    /// <summary>
    /// Security rules as JSON text (<c>{"rules": {...}}</c>), applied to every namespace when it is created. With neither
    /// this nor <see cref="RulesFile"/>, every read and write is allowed and no index is required.
    /// </summary>
    public string? Rules { get; set; }

    /// <summary>A file holding the security rules (see <see cref="Rules"/>); read when the emulator starts.</summary>
    public string? RulesFile { get; set; }

    /// <summary>
    /// How often an open stream gets a <c>keep-alive</c> event, and an open WebSocket a ping; a WebSocket that answers no
    /// ping for twice this long is closed (and its onDisconnect writes run). 30 seconds by default, as on the service.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The largest request body in bytes; larger bodies get 400. Also the largest realtime message, however many frames it
    /// is split into (a larger one closes that connection). <see cref="DefaultMaxRequestBodySize"/> by default.
    /// </summary>
    public long MaxRequestBodySize { get; set; } = DefaultMaxRequestBodySize;

    /// <summary>
    /// The secret that HS256-signed ID tokens (<c>auth=</c>, or the realtime <c>auth</c> request) must be signed with.
    /// Unsigned tokens (<c>alg: none</c>) are always accepted, as the official emulator accepts them; over the realtime
    /// protocol one whose <c>exp</c> has already passed (the SDKs' <c>mockUserToken</c> defaults it to 1970) counts as
    /// not expiring. Without a secret, HS256 tokens are refused.
    /// </summary>
    public string? TokenSecret { get; set; }

    /// <summary>The namespace of requests without an <c>ns</c> query parameter. <c>default</c> by default.</summary>
    public string DefaultNamespace { get; set; } = "default";

    /// <summary>
    /// How many events may wait for one slow stream, or messages for one slow WebSocket, before the emulator closes it (the
    /// client reconnects). 100,000 by default.
    /// </summary>
    public int StreamBufferCapacity { get; set; } = 100_000;

    /// <summary>
    /// How long a realtime message split into frames (a count frame, then the pieces) may take to arrive completely; a
    /// client that stops half way is closed. 60 seconds by default.
    /// </summary>
    public TimeSpan SplitMessageTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The write rate, in bytes per second, the emulator assumes when it estimates how long a write takes, to enforce the
    /// <c>writeSizeLimit</c> parameter (targets: <c>tiny</c> 1 s, <c>small</c> 10 s, <c>medium</c> 30 s, <c>large</c> 60 s;
    /// <c>unlimited</c> only <see cref="MaxRequestBodySize"/>). A write's cost is the size of its JSON plus that of the data
    /// it replaces or deletes; a write over the limit gets 400 and changes nothing. 1,000,000 (1 MB/s) by default, so that
    /// <c>tiny</c> allows about 1 MB.
    /// </summary>
    public long WriteBytesPerSecond { get; set; } = 1_000_000;

    /// <summary>
    /// The read rate, in bytes per second, the emulator assumes when it estimates how long a read takes, to enforce the
    /// <c>timeout</c> parameter: a read whose answer would take longer to produce gets 400. 100,000,000 (100 MB/s) by default.
    /// </summary>
    public long ReadBytesPerSecond { get; set; } = 100_000_000;

    /// <summary>
    /// The <c>writeSizeLimit</c> of writes that do not send one (the database's <c>defaultWriteSizeLimit</c> setting):
    /// <c>small</c>, <c>medium</c>, <c>large</c> or <c>unlimited</c>. <see langword="null"/> (no limit) by default.
    /// </summary>
    public string? DefaultWriteSizeLimit { get; set; }

    /// <summary>
    /// How many realtime WebSockets and event streams one client IP address may hold open at once; one more is refused
    /// with HTTP 429 (a WebSocket before the upgrade; the SDKs retry with backoff). 0 (the default) means no limit.
    /// </summary>
    public int MaxConnectionsPerIp { get; set; }

    /// <summary>
    /// How long a realtime WebSocket may send nothing (the SDKs send a keep-alive frame <c>0</c> after 45 s of silence, so
    /// use more than that) before the emulator closes it with status 1001 (its onDisconnect writes run, the client
    /// reconnects). Event streams are not affected: their clients never send. <see langword="null"/> (the default) means
    /// never.
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="RealtimeValidationException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new RealtimeValidationException($"Invalid Firebase port {Port}: use 0 (any free port) to 65535.", "Firebase.Port");
        }

        if (KeepAliveInterval <= TimeSpan.Zero)
        {
            throw new RealtimeValidationException("Firebase.KeepAliveInterval must be positive.", "Firebase.KeepAliveInterval");
        }

        if (SplitMessageTimeout <= TimeSpan.Zero)
        {
            throw new RealtimeValidationException("Firebase.SplitMessageTimeout must be positive.", "Firebase.SplitMessageTimeout");
        }

        if (MaxRequestBodySize is < 1 or > int.MaxValue)
        {
            throw new RealtimeValidationException("Firebase.MaxRequestBodySize must be from 1 byte to 2 GB.", "Firebase.MaxRequestBodySize");
        }

        if (MaxConnectionsPerIp < 0)
        {
            throw new RealtimeValidationException("Firebase.MaxConnectionsPerIp must not be negative (0: no limit).", "Firebase.MaxConnectionsPerIp");
        }

        if (IdleTimeout <= TimeSpan.Zero)
        {
            throw new RealtimeValidationException("Firebase.IdleTimeout must be positive (null: no idle timeout).", "Firebase.IdleTimeout");
        }

        if (StreamBufferCapacity < 1)
        {
            throw new RealtimeValidationException("Firebase.StreamBufferCapacity must be positive.", "Firebase.StreamBufferCapacity");
        }

        if (!FirebaseNamespaceName.IsValid(DefaultNamespace))
        {
            throw new RealtimeValidationException(
                $"Invalid Firebase.DefaultNamespace \"{DefaultNamespace}\": {FirebaseNamespaceName.Rule}", "Firebase.DefaultNamespace");
        }

        if (WriteBytesPerSecond < 1)
        {
            throw new RealtimeValidationException("Firebase.WriteBytesPerSecond must be positive.", "Firebase.WriteBytesPerSecond");
        }

        if (ReadBytesPerSecond < 1)
        {
            throw new RealtimeValidationException("Firebase.ReadBytesPerSecond must be positive.", "Firebase.ReadBytesPerSecond");
        }

        if (DefaultWriteSizeLimit is not (null or "small" or "medium" or "large" or "unlimited"))
        {
            throw new RealtimeValidationException(
                $"Invalid Firebase.DefaultWriteSizeLimit \"{DefaultWriteSizeLimit}\": use small, medium, large or unlimited (tiny is not allowed as a default).",
                "Firebase.DefaultWriteSizeLimit");
        }

        if (Rules is not null && RulesFile is not null)
        {
            throw new RealtimeValidationException("Set Firebase.Rules or Firebase.RulesFile, not both.", "Firebase.RulesFile");
        }
    }
}
