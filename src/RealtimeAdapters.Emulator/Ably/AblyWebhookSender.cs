using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>
/// Sends Ably-format webhooks (<see cref="AblyEmulatorOptions.WebhookUrls"/>) as an integration rule in batch mode with
/// "Sign with key" does: <c>POST</c> of <c>{"items":[{"webhookId","source","serial","timestamp","name","data":{...}}]}</c>,
/// signed with <c>X-Ably-Key</c> (the key name) and <c>X-Ably-Signature</c> (base64 HMAC-SHA256 of the body, keyed with
/// the key's secret).
/// <list type="bullet">
/// <item>A channel is followed from the first time it is used (attached, published to, entered): a <c>channel.opened</c>
/// lifecycle item, then its messages and presence events. Once it has had no attached connection and no presence member
/// for <see cref="AblyEmulatorOptions.WebhookChannelIdle"/> (the service releases a channel within two minutes of the last
/// client leaving) a <c>channel.closed</c> item follows, and the next use opens it again. Lifecycle items carry the
/// ChannelDetails status with its occupancy; a <c>channel.occupancy</c> item reports each change of it, at most once per
/// sweep (a second, or half the idle time when shorter), as the service debounces occupancy events.</item>
/// <item>Each URL has its own queue: while a request is in flight, later events wait and go together in the next one (at
/// most <see cref="MaxItemsPerRequest"/> items, the oldest first).</item>
/// <item>A request answered 5xx, not answered within the timeout, or not delivered at all is retried with the same body,
/// after a delay growing by √2 from <see cref="AblyEmulatorOptions.WebhookRetryDelay"/> up to one minute; once its
/// oldest event has waited <see cref="Retention"/> it is dropped (logged). A 4xx answer is final (logged).</item>
/// </list>
/// </summary>
internal sealed partial class AblyWebhookSender : IDisposable
{
    /// <summary>The most items in one request (the service bundles the oldest 1,000 queued events).</summary>
    public const int MaxItemsPerRequest = 1000;

    /// <summary>How long an undelivered event is kept for retries (the service keeps its queue for 5 minutes).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);
    private const string WebhookConnectionId = "webhooks";

    private readonly AblyServer _server;
    private readonly string _keyName;
    private readonly byte[] _secret;
    private readonly string _webhookId = "emulator" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Endpoint[] _endpoints;
    private readonly ConcurrentDictionary<string, Followed> _followed = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ITimer _sweep;
    private long _serial;

    public AblyWebhookSender(AblyServer server)
    {
        _server = server;
        var key = server.Options.WebhookKey is { } name
            ? server.Keys.First(k => k.Key.KeyName == name).Key
            : server.Keys[0].Key;
        _keyName = key.KeyName;
        _secret = Encoding.UTF8.GetBytes(key.Secret);
        _endpoints = [.. server.Options.WebhookUrls.Select(url => new Endpoint(url))];
        foreach (var endpoint in _endpoints)
        {
            endpoint.Worker = Task.Run(() => RunAsync(endpoint));
        }

        var period = TimeSpan.FromTicks(Math.Clamp(server.Options.WebhookChannelIdle.Ticks / 2, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _sweep = server.Time.CreateTimer(_ => Sweep(), null, period, period);
    }

    /// <summary>Starts following a channel (once) — lifecycle, messages and presence from now on — and marks it used.</summary>
    public void Follow(string channel)
    {
        if (_server.Stopping.IsCancellationRequested)
        {
            return;
        }

        if (_followed.TryGetValue(channel, out var known))
        {
            known.LastUsed = _server.Time.GetUtcNow();
            return;
        }

        // Under the lock so that a second caller does not return (and publish) before the subscriptions exist.
        lock (_gate)
        {
            if (_followed.TryGetValue(channel, out known))
            {
                known.LastUsed = _server.Time.GetUtcNow();
                return;
            }

            try
            {
                var messages = _server.Hub.SubscribeMessages(channel, WebhookConnectionId);
                var presence = _server.Hub.SubscribePresence(channel);
                var followed = new Followed(CancellationTokenSource.CreateLinkedTokenSource(_server.Stopping)) { LastUsed = _server.Time.GetUtcNow() };
                _followed[channel] = followed;
                var occupancy = ChannelOccupancy.Of(_server, channel);
                followed.LastOccupancy = occupancy;
                Enqueue(Details("channel.lifecycle", "channel.opened", channel, isActive: true, occupancy));
                _ = PumpAsync(messages.Subscription, m => Item("channel.message", "channel.message", channel, w =>
                {
                    w.WritePropertyName("messages");
                    w.WriteStartArray();
                    w.WriteRawValue(AblyCodec.EncodeMessage(AblyPayloads.ToWire(m, WireFormat.Json), WireFormat.Json));
                    w.WriteEndArray();
                }), followed.Stop.Token);
                _ = PumpAsync(presence.Subscription, p => Item("channel.presence", "presence.message", channel, w =>
                {
                    w.WritePropertyName("presence");
                    w.WriteRawValue(AblyCodec.EncodePresenceMessages([AblyPayloads.ToWire(p, WireFormat.Json)], WireFormat.Json));
                }), followed.Stop.Token);
            }
            catch (RealtimeValidationException)
            {
                // An invalid channel name: the operation that named it fails on its own, with its own error.
            }
        }
    }

    public void Dispose()
    {
        _sweep.Dispose();
        foreach (var endpoint in _endpoints)
        {
            endpoint.Queue.Writer.TryComplete();
        }

        foreach (var followed in _followed.Values)
        {
            followed.Stop.Cancel();
            followed.Stop.Dispose();
        }

        _http.Dispose();
    }

    /// <summary>
    /// Reports the followed channels' occupancy changes (<c>channel.occupancy</c>, at most once per sweep: the service
    /// debounces too) and closes those nobody has attached to, been present on or used for the idle time.
    /// </summary>
    private void Sweep()
    {
        var now = _server.Time.GetUtcNow();
        foreach (var (channel, followed) in _followed)
        {
            var occupancy = ChannelOccupancy.Of(_server, channel);
            if (occupancy != followed.LastOccupancy && _followed.ContainsKey(channel))
            {
                followed.LastOccupancy = occupancy;
                Enqueue(Details("channel.occupancy", "channel.occupancy", channel, isActive: true, occupancy));
            }

            if (occupancy.IsOccupied)
            {
                followed.LastUsed = now;
                continue;
            }

            if (now - followed.LastUsed < _server.Options.WebhookChannelIdle)
            {
                continue;
            }

            lock (_gate)
            {
                if (_server.Stopping.IsCancellationRequested || !_followed.TryRemove(new KeyValuePair<string, Followed>(channel, followed)))
                {
                    continue;
                }

                followed.Stop.Cancel();
                followed.Stop.Dispose();
                Enqueue(Details("channel.lifecycle", "channel.closed", channel, isActive: false, default));
            }
        }
    }

    private async Task PumpAsync<T>(RealtimeSubscription<T> subscription, Func<T, QueuedItem> item, CancellationToken stop)
    {
        try
        {
            await foreach (var e in subscription.WithCancellation(stop).ConfigureAwait(false))
            {
                Enqueue(item(e));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
            // The channel was closed (or the emulator stopped) while the pump started.
        }
        finally
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Enqueue(QueuedItem item)
    {
        foreach (var endpoint in _endpoints)
        {
            endpoint.Queue.Writer.TryWrite(item);
        }
    }

    /// <summary>A ChannelDetails item (<c>channel.lifecycle</c> or <c>channel.occupancy</c>): the channel and its status.</summary>
    private QueuedItem Details(string source, string name, string channel, bool isActive, ChannelOccupancy occupancy) => Item(source, name, channel, w =>
    {
        w.WriteString("name", channel);
        occupancy.WriteStatus(w, isActive);
    });

    private QueuedItem Item(string source, string name, string channel, Action<Utf8JsonWriter> data)
    {
        var now = _server.Time.GetUtcNow();
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("webhookId", _webhookId);
            w.WriteString("source", source);
            w.WriteString("serial", _webhookId + ":" + Interlocked.Increment(ref _serial).ToString(CultureInfo.InvariantCulture));
            w.WriteNumber("timestamp", now.ToUnixTimeMilliseconds());
            w.WriteString("name", name);
            w.WriteStartObject("data");
            w.WriteString("channelId", channel);
            w.WriteString("site", "emulator");
            data(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return new QueuedItem(buffer.ToArray(), now);
    }

    private async Task RunAsync(Endpoint endpoint)
    {
        var reader = endpoint.Queue.Reader;
        var batch = new List<QueuedItem>();
        try
        {
            while (await reader.WaitToReadAsync(_server.Stopping).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxItemsPerRequest && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                await DeliverAsync(endpoint.LoggedUrl, endpoint.Url, batch).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Sends one batch, retrying what the service retries until it is delivered, refused or too old.</summary>
    private async Task DeliverAsync(string loggedUrl, Uri url, List<QueuedItem> batch)
    {
        var body = Compose(batch);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(_secret, body));
        var delay = _server.Options.WebhookRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var failure = await SendAsync(url, body, signature).ConfigureAwait(false);
            if (failure is null)
            {
                WebhookDelivered(_server.Logger, loggedUrl, batch.Count, attempt);
                return;
            }

            if (!failure.Value.Retry)
            {
                WebhookRefused(_server.Logger, loggedUrl, batch.Count, failure.Value.Reason);
                return;
            }

            if (_server.Time.GetUtcNow() - batch[0].Queued + delay > Retention)
            {
                WebhookDropped(_server.Logger, loggedUrl, batch.Count, attempt, failure.Value.Reason);
                return;
            }

            WebhookRetrying(_server.Logger, loggedUrl, batch.Count, failure.Value.Reason, delay);
            await Task.Delay(delay, _server.Time, _server.Stopping).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * Math.Sqrt(2)), MaxRetryDelay.Ticks));
        }
    }

    private static byte[] Compose(List<QueuedItem> batch)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("items");
            foreach (var item in batch)
            {
                w.WriteRawValue(item.Json, skipInputValidation: true);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Posts one body: null when delivered (2xx), else why not and whether the service would retry.</summary>
    private async Task<(string Reason, bool Retry)?> SendAsync(Uri url, byte[] body, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Ably-Key", _keyName);
        request.Headers.Add("X-Ably-Signature", signature);
        try
        {
            using var response = await _http.SendAsync(request, _server.Stopping).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? null : ("HTTP " + status.ToString(CultureInfo.InvariantCulture), status >= 500);
        }
        catch (HttpRequestException ex)
        {
            return (ex.Message, true);
        }
        catch (OperationCanceledException) when (!_server.Stopping.IsCancellationRequested)
        {
            // HttpClient's timeout: retried, as the service retries a request whose response timed out.
            return ("no response within " + _http.Timeout, true);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Ably webhook to {Url} refused ({Items} items, not retried): {Reason}")]
    private static partial void WebhookRefused(ILogger logger, string url, int items, string reason);

    [LoggerMessage(EventId = 21, Level = LogLevel.Debug, Message = "Ably webhook to {Url} delivered ({Items} items, attempt {Attempt})")]
    private static partial void WebhookDelivered(ILogger logger, string url, int items, int attempt);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Ably webhook to {Url} failed ({Items} items): {Reason}; retrying in {Delay}")]
    private static partial void WebhookRetrying(ILogger logger, string url, int items, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Ably webhook to {Url} dropped ({Items} items) after {Attempts} attempts, older than the retention: {Reason}")]
    private static partial void WebhookDropped(ILogger logger, string url, int items, int attempts, string reason);

    private readonly record struct QueuedItem(byte[] Json, DateTimeOffset Queued);

    private sealed class Endpoint(Uri url)
    {
        public Uri Url { get; } = url;

        /// <summary>The URL as logged: without user information or query, which can carry credentials.</summary>
        public string LoggedUrl { get; } = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

        public Channel<QueuedItem> Queue { get; } = System.Threading.Channels.Channel.CreateUnbounded<QueuedItem>(new UnboundedChannelOptions { SingleReader = true });

        public Task? Worker { get; set; }
    }

    private sealed class Followed(CancellationTokenSource stop)
    {
        private long _lastUsedTicks;

        public CancellationTokenSource Stop { get; } = stop;

        /// <summary>The occupancy last reported (touched by the sweep only, after the follow).</summary>
        public ChannelOccupancy LastOccupancy { get; set; }

        public DateTimeOffset LastUsed
        {
            get => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _lastUsedTicks, value.UtcTicks);
        }
    }
}
