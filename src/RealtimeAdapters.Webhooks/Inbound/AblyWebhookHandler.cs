using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace RealtimeAdapters.Webhooks;

/// <summary>
/// Verifies and processes one Ably webhook request. Refusals, each before anything is processed: no signature or an
/// unknown key, or a signature that does not match the body (401); a body over the limit (413); a body that is not a
/// delivery, or one holding an event timestamped further than the tolerance from now (400). An exact copy of a delivery
/// accepted within the tolerance — Ably retrying a request whose answer it did not get, or a replay — is answered 200
/// and not processed again: the sender stops retrying, and subscribers see each delivery once.
/// </summary>
internal sealed class AblyWebhookHandler
{
    public const string KeyHeader = "X-Ably-Key";
    public const string SignatureHeader = "X-Ably-Signature";
    private const int PruneThreshold = 4096;

    private readonly IReadOnlyDictionary<string, byte[]> _keys;
    private readonly AblyWebhookOptions _options;
    private readonly AblyWebhookReceiver _receiver;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    public AblyWebhookHandler(IOptions<AblyWebhookOptions> options, AblyWebhookReceiver receiver, ILogger<AblyWebhookHandler>? logger = null)
    {
        _options = options.Value;
        _keys = _options.ParseKeys();
        _receiver = receiver;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var (status, reason, keyName) = await ProcessAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = status;
        if (reason is not null)
        {
            Log.InboundRefused(_logger, status, reason, keyName);
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(reason, context.RequestAborted).ConfigureAwait(false);
        }
    }

    internal async Task<(int Status, string? Reason, string? KeyName)> ProcessAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var keyName = request.Headers[KeyHeader].ToString();
        var signature = request.Headers[SignatureHeader].ToString();
        if (keyName.Length == 0 || signature.Length == 0)
        {
            return (401, $"Unsigned delivery: the {KeyHeader} and {SignatureHeader} headers are required (enable \"Sign with key\" on the integration rule).", null);
        }

        // The key name is public (it is the part before the colon), so it may be echoed; the secret never is.
        if (!_keys.TryGetValue(keyName, out var secret))
        {
            return (401, $"Signed with key \"{keyName}\", which this endpoint does not accept.", keyName);
        }

        if (request.ContentLength > _options.MaxBodyBytes)
        {
            return (413, $"The body ({request.ContentLength} bytes) is over the limit of {_options.MaxBodyBytes} bytes.", keyName);
        }

        var body = await ReadBodyAsync(request.Body, _options.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return (413, $"The body is over the limit of {_options.MaxBodyBytes} bytes.", keyName);
        }

        var expected = HMACSHA256.HashData(secret, body);
        var given = new byte[32];
        if (!Convert.TryFromBase64String(signature, given, out var written) || written != 32 || !CryptographicOperations.FixedTimeEquals(given, expected))
        {
            return (401, "The signature does not match the body and key: forged, altered, or signed with another key's secret.", keyName);
        }

        List<AblyWebhookEvent> events;
        List<DateTimeOffset> timestamps;
        try
        {
            (events, timestamps) = AblyWebhookParser.Parse(body);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentOutOfRangeException)
        {
            return (400, "Not an Ably webhook delivery: " + ex.Message, keyName);
        }

        var now = _options.TimeProvider.GetUtcNow();
        foreach (var t in timestamps)
        {
            if (t < now - _options.Tolerance || t > now + _options.Tolerance)
            {
                return (400, $"Replayed or stale delivery: an event is timestamped {t:O}, more than {_options.Tolerance} from now.", keyName);
            }
        }

        // An exact copy of a delivery accepted within the tolerance (older ones fail the timestamp check above): Ably's
        // retry of a request whose 2xx it did not receive must be acknowledged, or it is retried until dropped; a replay
        // by someone else gains nothing, as the events are not processed again.
        if (!Remember(signature, now))
        {
            Log.InboundDuplicate(_logger, keyName);
            return (200, null, keyName);
        }

        _receiver.Publish(events);
        Log.InboundAccepted(_logger, events.Count, keyName);
        return (204, null, keyName);
    }

    private bool Remember(string signature, DateTimeOffset now)
    {
        if (_seen.Count > PruneThreshold)
        {
            foreach (var (key, expires) in _seen)
            {
                if (expires < now)
                {
                    _seen.TryRemove(key, out _);
                }
            }
        }

        return _seen.TryAdd(signature, now + (_options.Tolerance * 2));
    }

    private static async Task<byte[]?> ReadBodyAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
