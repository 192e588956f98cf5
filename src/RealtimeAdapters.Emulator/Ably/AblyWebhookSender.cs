using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>
/// Sends Ably-format webhooks (<see cref="AblyEmulatorOptions.WebhookUrls"/>), as an integration rule in batch mode
/// does: <c>POST</c> of <c>{"items":[{"webhookId","source","serial","timestamp","name","data":{"channelId","site",
/// "messages"|"presence"}}]}</c>, signed with <c>X-Ably-Key</c> (the key name) and <c>X-Ably-Signature</c> (base64
/// HMAC-SHA256 of the body, keyed with the key's secret). A channel is followed from the first time it is used
/// (attached, published to, entered): a <c>channel.opened</c> lifecycle item, then its messages and presence events.
/// One request per event, in order per channel and kind; a failed request is logged and not retried.
/// </summary>
internal sealed partial class AblyWebhookSender : IDisposable
{
    private const string WebhookConnectionId = "webhooks";
    private readonly AblyServer _server;
    private readonly Uri[] _urls;
    private readonly string _keyName;
    private readonly byte[] _secret;
    private readonly string _webhookId = "emulator" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, byte> _followed = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Task _worker;
    private long _serial;

    public AblyWebhookSender(AblyServer server)
    {
        _server = server;
        _urls = [.. server.Options.WebhookUrls];
        var key = server.Options.WebhookKey is { } name
            ? server.Keys.First(k => k.Key.KeyName == name).Key
            : server.Keys[0].Key;
        _keyName = key.KeyName;
        _secret = Encoding.UTF8.GetBytes(key.Secret);
        _worker = Task.Run(RunAsync);
    }

    /// <summary>Starts following a channel (once): lifecycle, messages and presence from now on.</summary>
    public void Follow(string channel)
    {
        if (_followed.ContainsKey(channel) || _server.Stopping.IsCancellationRequested)
        {
            return;
        }

        // Under the lock so that a second caller does not return (and publish) before the subscriptions exist.
        lock (_gate)
        {
            if (_followed.ContainsKey(channel))
            {
                return;
            }

            try
            {
                var messages = _server.Hub.SubscribeMessages(channel, WebhookConnectionId);
                var presence = _server.Hub.SubscribePresence(channel);
                _followed[channel] = 0;
                Enqueue(Item("channel.lifecycle", "channel.opened", channel, w =>
                {
                    w.WriteString("name", channel);
                    w.WriteStartObject("status");
                    w.WriteBoolean("isActive", true);
                    w.WriteEndObject();
                }));
                _ = PumpAsync(messages.Subscription, m => Item("channel.message", "channel.message", channel, w =>
                {
                    w.WritePropertyName("messages");
                    w.WriteStartArray();
                    w.WriteRawValue(AblyCodec.EncodeMessage(AblyPayloads.ToWire(m, WireFormat.Json), WireFormat.Json));
                    w.WriteEndArray();
                }));
                _ = PumpAsync(presence.Subscription, p => Item("channel.presence", "presence.message", channel, w =>
                {
                    w.WritePropertyName("presence");
                    w.WriteRawValue(AblyCodec.EncodePresenceMessages([AblyPayloads.ToWire(p, WireFormat.Json)], WireFormat.Json));
                }));
            }
            catch (RealtimeValidationException)
            {
                // An invalid channel name: the operation that named it fails on its own, with its own error.
            }
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _http.Dispose();
    }

    private async Task PumpAsync<T>(RealtimeSubscription<T> subscription, Func<T, byte[]> item)
    {
        try
        {
            await foreach (var e in subscription.WithCancellation(_server.Stopping).ConfigureAwait(false))
            {
                Enqueue(item(e));
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Enqueue(byte[] body) => _queue.Writer.TryWrite(body);

    private byte[] Item(string source, string name, string channel, Action<Utf8JsonWriter> data)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("items");
            w.WriteStartObject();
            w.WriteString("webhookId", _webhookId);
            w.WriteString("source", source);
            w.WriteString("serial", _webhookId + ":" + Interlocked.Increment(ref _serial).ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteNumber("timestamp", _server.Time.GetUtcNow().ToUnixTimeMilliseconds());
            w.WriteString("name", name);
            w.WriteStartObject("data");
            w.WriteString("channelId", channel);
            w.WriteString("site", "emulator");
            data(w);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var body in _queue.Reader.ReadAllAsync(_server.Stopping).ConfigureAwait(false))
            {
                var signature = Convert.ToBase64String(HMACSHA256.HashData(_secret, body));
                foreach (var url in _urls)
                {
                    await SendAsync(url, body, signature).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendAsync(Uri url, byte[] body, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Ably-Key", _keyName);
        request.Headers.Add("X-Ably-Signature", signature);
        try
        {
            using var response = await _http.SendAsync(request, _server.Stopping).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                WebhookFailed(_server.Logger, url, "HTTP " + (int)response.StatusCode);
            }
        }
        catch (HttpRequestException ex)
        {
            WebhookFailed(_server.Logger, url, ex.Message);
        }
        catch (OperationCanceledException) when (!_server.Stopping.IsCancellationRequested)
        {
            // HttpClient's timeout: one request lost, the sender carries on.
            WebhookFailed(_server.Logger, url, "no response within " + _http.Timeout);
        }
        catch (ObjectDisposedException)
        {
            // The emulator is stopping.
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Ably webhook to {Url} failed: {Reason}")]
    private static partial void WebhookFailed(ILogger logger, Uri url, string reason);
}
