namespace RealtimeAdapters.Webhooks;

/// <summary>Settings of the inbound Ably webhook endpoint (<see cref="AblyWebhookEndpoints.MapAblyWebhooks"/>).</summary>
public sealed class AblyWebhookOptions
{
    /// <summary>
    /// The API keys the integration rules sign with, each <c>APP.KEY:SECRET</c>. A delivery names its key in
    /// <c>X-Ably-Key</c> (<c>APP.KEY</c>) and carries <c>X-Ably-Signature</c>, the base64 HMAC-SHA256 of the raw body
    /// keyed with the secret. A delivery signed with a key not listed here is refused.
    /// </summary>
    public IList<string> Keys { get; } = [];

    /// <summary>The largest body accepted; larger deliveries are refused with 413. 1 MiB by default.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How old (or how far in the future) an event's timestamp may be. Ably's signature carries no timestamp, so the
    /// timestamps inside the signed body are checked: a delivery holding an older event is refused as a replay (400).
    /// 5 minutes by default.
    /// </summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock replays are judged by.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal IReadOnlyDictionary<string, byte[]> ParseKeys()
    {
        if (Keys.Count == 0)
        {
            throw new RealtimeValidationException("AblyWebhookOptions.Keys is empty: add the APP.KEY:SECRET the integration rule signs with.", "Keys");
        }

        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            var colon = key?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (key is null || colon <= 0 || colon == key.Length - 1)
            {
                // The message names the position, never the value: it holds a secret.
                throw new RealtimeValidationException($"AblyWebhookOptions.Keys[{i}] is not of the form APP.KEY:SECRET.", $"Keys[{i}]");
            }

            keys[key[..colon]] = System.Text.Encoding.UTF8.GetBytes(key[(colon + 1)..]);
        }

        if (MaxBodyBytes < 1 || Tolerance <= TimeSpan.Zero)
        {
            throw new RealtimeValidationException("AblyWebhookOptions.MaxBodyBytes and Tolerance must be positive.", "MaxBodyBytes");
        }

        return keys;
    }
}
