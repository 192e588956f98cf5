using System.Globalization;
using System.Net.Http.Headers;
using RealtimeAdapters.Ably.Auth;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Realtime;

/// <summary>A channel: attaches on the first subscribe, publishes with ACK/NACK, reads history over REST.</summary>
internal sealed class AblyChannel : IChannel
{
    private readonly AblyRealtimeTransport _transport;
    private readonly AblyChannelClientOptions _options;
    private readonly AblyApiKey _key;
    private readonly HttpClient _http;
    private readonly Action _throwIfDisposed;
    private readonly Lock _gate = new();
    private (RealtimeSubscription<ChannelMessage> Subscription, ChannelSubscriptionOptions Options)[] _subscribers = [];
    private Task? _attachTask;
    private TaskCompletionSource? _attached;
    private string? _attachSerial;
    private readonly AblyChannelPresence _presence;

    public AblyChannel(string name, AblyRealtimeTransport transport, AblyChannelClientOptions options, AblyApiKey key, HttpClient http, Action throwIfDisposed)
    {
        _throwIfDisposed = throwIfDisposed;
        Name = name;
        _transport = transport;
        _options = options;
        _key = key;
        _http = http;
        _presence = new AblyChannelPresence(this, transport, options, throwIfDisposed);
    }

    public string Name { get; }

    public IChannelPresence Presence => _presence;

    public async ValueTask PublishAsync(IReadOnlyList<ChannelMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        _throwIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        if (messages.Count == 0)
        {
            return;
        }

        await _transport.EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        long size = 0;
        var wire = new WireMessage[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new RealtimeValidationException($"Invalid publish: message {i} is null.") { ProviderName = "Ably" };
            if (message.ClientId is { } clientId && _options.ClientId is { } own && !string.Equals(clientId, own, StringComparison.Ordinal))
            {
                throw new RealtimeValidationException($"Invalid publish: message {i} has a client id that is not this client's.") { ErrorCode = "40012", ProviderName = "Ably" };
            }

            size += message.GetSize();
            wire[i] = MessageMapper.ToWire(message, _transport.Format);
        }

        if (size > _transport.MaxMessageSize)
        {
            throw new MessageTooLargeException(size, _transport.MaxMessageSize, messages.Count == 1 ? "message" : "batch of messages") { ProviderName = "Ably" };
        }

        await _transport.PublishAsync(Name, wire, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IRealtimeSubscription<ChannelMessage>> SubscribeAsync(ChannelSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        _throwIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        options ??= ChannelSubscriptionOptions.Default;
        await AttachAsync(cancellationToken).ConfigureAwait(false);
        RealtimeSubscription<ChannelMessage>? subscription = null;
        subscription = new RealtimeSubscription<ChannelMessage>(options.Buffer, () =>
        {
            lock (_gate)
            {
                _subscribers = Array.FindAll(_subscribers, s => !ReferenceEquals(s.Subscription, subscription));
            }

            return ValueTask.CompletedTask;
        });
        lock (_gate)
        {
            _subscribers = [.. _subscribers, (subscription, options)];
        }

        return subscription;
    }

    internal Task AttachAsync(CancellationToken cancellationToken)
    {
        Task task;
        lock (_gate)
        {
            if (_attachTask is null || _attachTask.IsFaulted || _attachTask.IsCanceled)
            {
                _attachTask = AttachCoreAsync();
            }

            task = _attachTask;
        }

        return task.WaitAsync(cancellationToken);
    }

    private async Task AttachCoreAsync()
    {
        await _transport.EnsureConnectedAsync(CancellationToken.None).ConfigureAwait(false);
        var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _attached = attached;
        }

        await _transport.SendAsync(new ProtocolMessage { Action = ProtocolAction.Attach, Channel = Name }, CancellationToken.None).ConfigureAwait(false);
        try
        {
            await attached.Task.WaitAsync(_transport.RequestTimeout, _transport.Time).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new RealtimeConnectionException($"Attaching to channel \"{Name}\" timed out.", ex) { ProviderName = "Ably", IsRetryable = true };
        }
    }

    /// <summary>Handles a frame for this channel; called on the receive loop.</summary>
    public void Handle(ProtocolMessage message)
    {
        switch (message.Action)
        {
            case ProtocolAction.Attached:
                _attachSerial ??= message.ChannelSerial;
                _presence.OnAttached(message.HasFlag(ProtocolFlags.HasPresence));
                _attached?.TrySetResult();
                break;
            case ProtocolAction.Sync:
                _presence.Apply(message, fromSync: true);
                if (SyncCursor.Parse(message.ChannelSerial).IsLast)
                {
                    _presence.OnSyncComplete();
                }

                break;
            case ProtocolAction.Presence:
                _presence.Apply(message, fromSync: false);
                break;
            case ProtocolAction.Error:
            case ProtocolAction.Detached:
                var error = (message.Error ?? ErrorInfo.Create(90000, "The channel was detached.")).ToException($"Channel \"{Name}\"");
                _attached?.TrySetException(error);
                lock (_gate)
                {
                    _attachTask = null;
                }

                foreach (var (subscription, _) in Volatile.Read(ref _subscribers))
                {
                    subscription.Complete(error);
                }

                _presence.Fail(error);

                break;
            case ProtocolAction.Message when message.Messages is { } messages:
                var subscribers = Volatile.Read(ref _subscribers);
                for (var i = 0; i < messages.Count; i++)
                {
                    var decoded = MessageMapper.FromWire(messages[i], message, i);
                    foreach (var (subscription, options) in subscribers)
                    {
                        if (options.Matches(decoded))
                        {
                            subscription.TryWrite(decoded);
                        }
                    }
                }

                break;
        }
    }

    /// <summary>Ends every subscription, because the transport is gone and resume is not implemented yet.</summary>
    public void Fail(RealtimeException? reason)
    {
        _attached?.TrySetException(reason ?? new RealtimeConnectionException("The Ably connection is closed.") { ProviderName = "Ably" });
        lock (_gate)
        {
            _attachTask = null;
        }

        foreach (var (subscription, _) in Volatile.Read(ref _subscribers))
        {
            subscription.Complete(reason);
        }

        _presence.Fail(reason);
    }

    public ValueTask<HistoryPage<ChannelMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        _throwIfDisposed();
        return ReadHistoryAsync<ChannelMessage>(query, "messages", static (body, format) =>
        {
            var wire = AblyCodec.DecodeMessages(body, format);
            return [.. wire.Select(static m => MessageMapper.FromWire(m))];
        }, cancellationToken);
    }

    internal async ValueTask<HistoryPage<T>> ReadHistoryAsync<T>(HistoryQuery? query, string resource, Func<byte[], WireFormat, IReadOnlyList<T>> decode, CancellationToken cancellationToken)
    {
        query ??= HistoryQuery.Default;
        query.Validate();
        string? fromSerial = null;
        if (query.UntilAttach)
        {
            fromSerial = Volatile.Read(ref _attachSerial) ??
                throw new RealtimeValidationException($"Invalid history query: untilAttach needs channel \"{Name}\" to be attached (subscribe first).") { ErrorCode = "40000", ProviderName = "Ably" };
        }

        var parts = new List<string>
        {
            "direction=" + (query.Direction == HistoryDirection.Forwards ? "forwards" : "backwards"),
            "limit=" + query.Limit.ToString(CultureInfo.InvariantCulture),
        };
        if (query.Start is { } start)
        {
            parts.Add("start=" + start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }

        if (query.End is { } end)
        {
            parts.Add("end=" + end.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }

        if (fromSerial is not null)
        {
            parts.Add("fromSerial=" + Uri.EscapeDataString(fromSerial));
        }

        var endpoint = _options.Endpoint!;
        var scheme = endpoint.Scheme is "https" or "wss" ? "https" : "http";
        var baseUri = new UriBuilder(endpoint) { Scheme = scheme, Query = string.Empty }.Uri;
        var uri = new Uri(baseUri, "channels/" + Uri.EscapeDataString(Name) + "/" + resource + "?" + string.Join('&', parts));
        return await ReadPageAsync(uri, decode, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<HistoryPage<T>> ReadPageAsync<T>(Uri uri, Func<byte[], WireFormat, IReadOnlyList<T>> decode, CancellationToken cancellationToken)
    {
        var format = _transport.Format;
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(_key.BasicAuthorizationValue);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(format == WireFormat.MsgPack ? "application/x-msgpack" : "application/json"));
        using var timeout = new CancellationTokenSource(_options.HttpRequestTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage response;
        byte[] body;
        try
        {
            response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RealtimeConnectionException("The Ably history request timed out.", ex) { ProviderName = "Ably", IsRetryable = true };
        }
        catch (HttpRequestException ex)
        {
            throw new RealtimeConnectionException("The Ably history request failed: " + ex.Message, ex) { ProviderName = "Ably", IsRetryable = true };
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var responseFormat = response.Content.Headers.ContentType?.MediaType == "application/x-msgpack" ? WireFormat.MsgPack : WireFormat.Json;
                ErrorInfo error;
                try
                {
                    error = AblyCodec.DecodeError(body, responseFormat);
                }
                catch (AblyProtocolException)
                {
                    error = ErrorInfo.Create((int)response.StatusCode * 100, "HTTP " + (int)response.StatusCode);
                }

                throw error.ToException("Ably history");
            }

            var items = decode(body, format);

            Uri? next = null;
            if (response.Headers.TryGetValues("Link", out var links))
            {
                next = FindNext(uri, string.Join(", ", links));
            }

            return new HistoryPage<T>(items, next is null ? null : ct => ReadPageAsync(next, decode, ct));
        }
    }

    private static Uri? FindNext(Uri current, string header)
    {
        foreach (var part in header.Split(','))
        {
            var text = part.Trim();
            if (!text.Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                continue;
            }

            var open = text.IndexOf('<', StringComparison.Ordinal);
            var close = text.IndexOf('>', StringComparison.Ordinal);
            if (open >= 0 && close > open)
            {
                return new Uri(current, text[(open + 1)..close]);
            }
        }

        return null;
    }
}
