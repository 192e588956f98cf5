using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;
using RealtimeAdapters.Emulator.Hosting;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>The Ably front end: REST routes and the realtime WebSocket endpoint on <c>GET /</c>, over one channel hub.</summary>
internal sealed partial class AblyServer : IDisposable
{
    private const string JsonType = "application/json";
    private const string MsgPackType = "application/x-msgpack";
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, AblyConnection> _live = new(StringComparer.Ordinal);
    private readonly Lock _waitersGate = new();
    private readonly List<(Func<string, bool>? Predicate, TaskCompletionSource<string> Done)> _waiters = [];
    private int _refuseConnections;
    private int _ignoreAttaches;

    public AblyServer(EmulatorOptions options, ILogger logger, EmulatorMetrics metrics)
    {
        Options = options.Ably;
        Metrics = metrics;
        Time = options.TimeProvider;
        _logger = logger;
        Keys = Options.Keys.Count == 0
            ? [AblyKeyEntry.Parse(AblyEmulatorOptions.DefaultKey)]
            : [.. Options.Keys.Select(AblyKeyEntry.Parse)];
        Authority = new AblyAuthority(Keys, Time);
        Hub = new InMemoryChannelHub(new InMemoryChannelOptions { TimeProvider = Time, MaxMessageSize = Options.MaxMessageSize });
        Objects = new LiveObjects.ObjectsHub(Time);
        Faults = new AblyFaultInjector(this);
        ConnectionsPerIp = new ConnectionsPerAddress(Options.MaxConnectionsPerIp);
        Rates = new AblyRateLimits(Options, Time, metrics);
        Webhooks = Options.WebhookUrls.Count > 0 ? new AblyWebhookSender(this) : null;
    }

    /// <summary>The emulator's metrics: refusals by a limit, errors inside open sockets, injected faults.</summary>
    public EmulatorMetrics Metrics { get; }

    /// <summary>The realtime connections each client address holds (<see cref="AblyEmulatorOptions.MaxConnectionsPerIp"/>).</summary>
    public ConnectionsPerAddress ConnectionsPerIp { get; }

    /// <summary>The inbound message rates per connection and per channel.</summary>
    public AblyRateLimits Rates { get; }

    /// <summary>The webhook sender, when <see cref="AblyEmulatorOptions.WebhookUrls"/> are configured.</summary>
    public AblyWebhookSender? Webhooks { get; }

    /// <summary>Test seam: runs a channel drain woken by an arriving event (null: at once). Set before clients attach.</summary>
    internal Action<Action>? DrainScheduler { get; set; }

    /// <summary>The public fault-injection surface over this server.</summary>
    public AblyFaultInjector Faults { get; }

    /// <summary>How many upcoming WebSocket upgrades are answered with 503 (fault injection).</summary>
    public int RefuseConnections
    {
        get => Volatile.Read(ref _refuseConnections);
        set => Volatile.Write(ref _refuseConnections, value);
    }

    public AblyEmulatorOptions Options { get; }

    public TimeProvider Time { get; }

    public IReadOnlyList<AblyKeyEntry> Keys { get; }

    public AblyAuthority Authority { get; }

    public InMemoryChannelHub Hub { get; }

    /// <summary>Every channel's LiveObjects.</summary>
    public LiveObjects.ObjectsHub Objects { get; }

    public ConcurrentDictionary<string, AblyConnectionState> Connections { get; } = new(StringComparer.Ordinal);

    public CancellationToken Stopping => _stopping.Token;

    public ILogger Logger => _logger;

    public void BeginStop()
    {
        _stopping.Cancel();
        lock (_waitersGate)
        {
            foreach (var (_, done) in _waiters)
            {
                done.TrySetException(new ObjectDisposedException(nameof(RealtimeEmulator), "The emulator stopped."));
            }

            _waiters.Clear();
        }
    }

    /// <summary>The ids of connections with a live transport (connected, not being closed).</summary>
    public IReadOnlyList<string> LiveConnectionIds => [.. _live.Keys];

    /// <summary>The live transport of a connection, if any.</summary>
    public bool TryGetLiveTransport(string connectionId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AblyConnection? transport) =>
        _live.TryGetValue(connectionId, out transport);

    /// <summary>A transport sent CONNECTED: it is live, and waiters for a connection may complete.</summary>
    public void TransportReady(string connectionId, AblyConnection transport)
    {
        List<TaskCompletionSource<string>>? ready = null;
        lock (_waitersGate)
        {
            _live[connectionId] = transport;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Predicate?.Invoke(connectionId) ?? true)
                {
                    (ready ??= []).Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        // Outside the lock: the continuations run asynchronously anyway, but a predicate or a cancelled waiter must not
        // find the list mid-change.
        foreach (var done in ready ?? [])
        {
            done.TrySetResult(connectionId);
        }
    }

    /// <summary>A transport is closing or gone; it is no longer live (a newer transport of the same connection stays).</summary>
    public void TransportEnded(string connectionId, AblyConnection transport)
    {
        lock (_waitersGate)
        {
            _live.TryRemove(new KeyValuePair<string, AblyConnection>(connectionId, transport));
        }
    }

    /// <summary>Completes with the id of a live connection matching <paramref name="predicate"/>, present or arriving.</summary>
    public async Task<string> WaitForConnectionAsync(Func<string, bool>? predicate, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = (predicate, done);
        lock (_waitersGate)
        {
            foreach (var id in _live.Keys)
            {
                if (predicate?.Invoke(id) ?? true)
                {
                    return id;
                }
            }

            ObjectDisposedException.ThrowIf(Stopping.IsCancellationRequested, typeof(RealtimeEmulator));
            _waiters.Add(entry);
        }

        using var registration = cancellationToken.Register(() =>
        {
            lock (_waitersGate)
            {
                _waiters.Remove(entry);
            }

            done.TrySetCanceled(cancellationToken);
        });
        return await done.Task.ConfigureAwait(false);
    }

    /// <summary>Moves a channel's pending presence events into every live transport's outbound queue.</summary>
    public void FlushPresence(string channel)
    {
        foreach (var transport in _live.Values)
        {
            transport.FlushPresence(channel);
        }
    }

    /// <summary>How many upcoming ATTACH frames go unanswered (fault injection).</summary>
    public int IgnoreAttaches
    {
        get => Volatile.Read(ref _ignoreAttaches);
        set => Volatile.Write(ref _ignoreAttaches, value);
    }

    /// <summary>Takes one pending ignored attach, if any (fault injection).</summary>
    public bool TryTakeIgnoredAttach() => TryTake(ref _ignoreAttaches, "ignore_attach");

    /// <summary>Takes one pending refusal, if any (fault injection).</summary>
    private bool TryTakeRefusal() => TryTake(ref _refuseConnections, "refuse_connection");

    /// <summary>Counts a fault injected into this front end (<c>realtime_emulator_faults_total</c>).</summary>
    public void RecordFault(string fault) => Metrics.RecordFault(EmulatorLimits.Ably, fault);

    private bool TryTake(ref int counter, string fault)
    {
        if (!TryTake(ref counter))
        {
            return false;
        }

        RecordFault(fault);
        return true;
    }

    private static bool TryTake(ref int counter)
    {
        var current = Volatile.Read(ref counter);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref counter, current - 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void Dispose()
    {
        Webhooks?.Dispose();
        Objects.Dispose();
        _stopping.Dispose();
    }

    public async Task HandleAsync(HttpContext context)
    {
        var format = WantsMsgPack(context.Request) ? WireFormat.MsgPack : WireFormat.Json;
        try
        {
            if (context.WebSockets.IsWebSocketRequest)
            {
                if (TryTakeRefusal())
                {
                    // Before the upgrade, as a front end without capacity would answer; clients back off and retry.
                    var refused = ErrorInfo.Create(AblyErrorCodes.InternalConnectionError, "Connection refused: the emulator was told to refuse (fault injection).") with { StatusCode = 503 };
                    await WriteErrorAsync(context, refused, format).ConfigureAwait(false);
                    return;
                }

                using var lease = ConnectionsPerIp.TryOpen(context.Connection.RemoteIpAddress);
                if (lease is null)
                {
                    // Refused before the upgrade, as flood protection at the service's edge answers (42922, HTTP 429): a
                    // client backs off and retries, the connections already open go on.
                    Metrics.RecordRefusal(EmulatorLimits.Ably, EmulatorLimits.ConnectionsPerIp);
                    var tooMany = ErrorInfo.Create(
                        AblyErrorCodes.TooManyRequests,
                        string.Create(CultureInfo.InvariantCulture, $"Rate limit exceeded; too many connections from this address (at most {Options.MaxConnectionsPerIp} open at once)."));
                    await WriteErrorAsync(context, tooMany, format).ConfigureAwait(false);
                    return;
                }

                await new AblyConnection(this, context).RunAsync().ConfigureAwait(false);
                return;
            }

            CheckVersion(context.Request);
            await RouteAsync(context, format).ConfigureAwait(false);
        }
        catch (AblyProtocolException ex)
        {
            await WriteErrorAsync(context, ex.Error, format).ConfigureAwait(false);
        }
        catch (RealtimeException ex)
        {
            await WriteErrorAsync(context, ToErrorInfo(ex), format).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || Stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A bug serving one request must not take the server down; it is logged and answered with 500.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.UnhandledError(_logger, ex, context.Request.Method, context.Request.Path);
            await WriteErrorAsync(context, ErrorInfo.Create(AblyErrorCodes.InternalError, "Internal error."), format).ConfigureAwait(false);
        }
    }

    public static ErrorInfo ToErrorInfo(Exception ex) => ex switch
    {
        AblyProtocolException p => p.Error,
        RealtimeException r when int.TryParse(r.ErrorCode, NumberStyles.None, CultureInfo.InvariantCulture, out var code) => ErrorInfo.Create(code, r.Message),
        RealtimeValidationException v => ErrorInfo.Create(AblyErrorCodes.BadRequest, v.Message),
        ArgumentException a => ErrorInfo.Create(AblyErrorCodes.InvalidParameter, a.Message),
        _ => ErrorInfo.Create(AblyErrorCodes.InternalError, "Internal error."),
    };

    /// <summary>Accepts protocol versions 1 to 6 (IO.Ably sends 2, ably-js 6); anything else is 40017.</summary>
    public static bool IsSupportedVersion(string? version) =>
        version is null || (double.TryParse(version, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v >= 1 && v < 7);

    private static void CheckVersion(HttpRequest request)
    {
        var version = request.Headers["X-Ably-Version"].FirstOrDefault() ?? request.Query["v"].FirstOrDefault();
        if (!IsSupportedVersion(version))
        {
            throw AblyAuthority.Fail(AblyErrorCodes.UnsupportedProtocolVersion, "Unsupported protocol version; use 2 to 6.");
        }
    }

    private static bool WantsMsgPack(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains(MsgPackType, StringComparison.OrdinalIgnoreCase)) ||
        (request.Query["format"].FirstOrDefault() is "msgpack");

    private async Task RouteAsync(HttpContext context, WireFormat format)
    {
        var request = context.Request;
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        var segments = (q < 0 ? raw : raw[..q]).Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var get = HttpMethods.IsGet(request.Method);
        var post = HttpMethods.IsPost(request.Method);
        switch (segments)
        {
            case ["time"] when get:
                await WriteJsonAsync(context, 200, w => { w.WriteStartArray(); w.WriteNumberValue(Time.GetUtcNow().ToUnixTimeMilliseconds()); w.WriteEndArray(); }).ConfigureAwait(false);
                return;
            case ["keys", var keyName, "requestToken"] when post:
                await RequestTokenAsync(context, keyName, format).ConfigureAwait(false);
                return;
            case ["channels", var channel] when get:
                await ChannelDetailsAsync(context, channel).ConfigureAwait(false);
                return;
            case ["channels", var channel, "messages"] when post:
                await PublishAsync(context, channel, format).ConfigureAwait(false);
                return;
            case ["channels", var channel, "messages"] when get:
                await HistoryAsync(context, channel, format, presence: false).ConfigureAwait(false);
                return;
            case ["channels", var channel, "presence"] when get:
                await PresenceAsync(context, channel, format).ConfigureAwait(false);
                return;
            case ["channels", var channel, "presence", "history"] when get:
                await HistoryAsync(context, channel, format, presence: true).ConfigureAwait(false);
                return;
            case ["channels", var channel, "object"] when get:
                await GetObjectAsync(context, channel, null).ConfigureAwait(false);
                return;
            case ["channels", var channel, "object", var objectId] when get:
                await GetObjectAsync(context, channel, objectId).ConfigureAwait(false);
                return;
            case ["channels", var channel, "object"] when post:
                await PublishObjectsAsync(context, channel).ConfigureAwait(false);
                return;
            default:
                throw AblyAuthority.Fail(AblyErrorCodes.NotFound, "No such route.");
        }
    }

    private AblyAuthContext Authenticate(HttpRequest request) =>
        TryAuthenticate(request) ?? throw AblyAuthority.Fail(AblyErrorCodes.NoAuthMethod, "No authentication: use Basic or Bearer.");

    private AblyAuthContext? TryAuthenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.FirstOrDefault();
        AblyAuthContext? context = null;
        if (header is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            }
            catch (FormatException)
            {
                throw AblyAuthority.Fail(AblyErrorCodes.InvalidCredentials, "Malformed Basic credentials.");
            }

            context = Authority.AuthenticateKey(decoded);
        }
        else if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = header[7..].Trim();
            if (!AblyTokenInspector.LooksLikeJwt(token))
            {
                try
                {
                    token = Encoding.UTF8.GetString(Convert.FromBase64String(token));
                }
                catch (FormatException)
                {
                    // Not base64: taken as the token itself.
                }
            }

            context = Authority.AuthenticateToken(token);
        }
        else if (request.Query["key"].FirstOrDefault() is { } key)
        {
            context = Authority.AuthenticateKey(key);
        }
        else if ((request.Query["accessToken"].FirstOrDefault() ?? request.Query["access_token"].FirstOrDefault()) is { } token)
        {
            context = Authority.AuthenticateToken(token);
        }

        if (context is null)
        {
            return null;
        }

        if (request.Headers["X-Ably-ClientId"].FirstOrDefault() is { Length: > 0 } encodedClientId)
        {
            string clientId;
            try
            {
                clientId = Encoding.UTF8.GetString(Convert.FromBase64String(encodedClientId));
            }
            catch (FormatException)
            {
                throw AblyAuthority.Fail(AblyErrorCodes.InvalidClientId, "X-Ably-ClientId is not base64.");
            }

            if (context.ClientId is { } existing && existing != "*" && existing != clientId)
            {
                throw AblyAuthority.Fail(AblyErrorCodes.IncompatibleCredentials, "X-Ably-ClientId does not match the token's client id.");
            }

            context = context with { ClientId = clientId };
        }

        return context;
    }

    private static void Require(AblyAuthContext auth, string channel, string operation)
    {
        ChannelNames.Validate(channel);
        if (!auth.Capability.Allows(channel, operation))
        {
            throw AblyAuthority.Fail(AblyErrorCodes.CapabilityDenied, $"Action not permitted: no '{operation}' capability on channel \"{channel}\".");
        }
    }

    private async Task RequestTokenAsync(HttpContext context, string keyName, WireFormat format)
    {
        var caller = TryAuthenticate(context.Request);
        var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
        var request = AblyCodec.DecodeTokenRequest(body, BodyFormat(context.Request));
        var details = Authority.IssueToken(keyName, request, caller);
        await WriteBodyAsync(context, 200, AblyCodec.EncodeTokenDetails(details, format), format).ConfigureAwait(false);
    }

    private async Task PublishAsync(HttpContext context, string channel, WireFormat format)
    {
        var auth = Authenticate(context.Request);
        Require(auth, channel, "publish");
        var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
        var wire = AblyCodec.DecodeMessages(body, BodyFormat(context.Request));
        if (context.Request.Query["_forceNack"].FirstOrDefault() is "true")
        {
            throw AblyAuthority.Fail(AblyErrorCodes.ForcedNack, "Forced NACK (test hook).");
        }

        var connectionId = "rest";
        var clientId = auth.EnforcedClientId;
        var messages = new List<ChannelMessage>(wire.Count);
        foreach (var m in wire)
        {
            if (m.ConnectionKey is { } key)
            {
                if (!Connections.TryGetValue(key, out var state))
                {
                    throw AblyAuthority.Fail(AblyErrorCodes.InvalidConnectionKey, "Unknown connectionKey.");
                }

                connectionId = state.ConnectionId;
            }

            var size = MessageSize.Of(m);
            if (size > Options.MaxMessageSize)
            {
                Metrics.RecordRefusal(EmulatorLimits.Ably, EmulatorLimits.MessageSize);
                throw AblyAuthority.Fail(AblyErrorCodes.MessageTooLarge, $"Message too large: {size} bytes, the limit is {Options.MaxMessageSize}.");
            }

            messages.Add(AblyPayloads.FromWire(m));
        }

        if (Rates.TryPublish(null, channel, Math.Max(1, messages.Count)) is { } refused)
        {
            throw new AblyProtocolException(refused);
        }

        Webhooks?.Follow(channel);
        var serials = Hub.Publish(channel, connectionId, clientId, messages);
        await WriteJsonAsync(context, 201, w =>
        {
            w.WriteStartObject();
            w.WriteString("channel", channel);
            w.WriteString("messageId", messages.Count > 0 ? messages[0].Id : null);
            w.WriteStartArray("serials");
            foreach (var s in serials)
            {
                w.WriteStringValue(s);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task HistoryAsync(HttpContext context, string channel, WireFormat format, bool presence)
    {
        var auth = Authenticate(context.Request);
        Require(auth, channel, "history");
        var query = context.Request.Query;
        var direction = query["direction"].FirstOrDefault() ?? "backwards";
        if (direction is not ("backwards" or "forwards"))
        {
            throw AblyAuthority.Fail(AblyErrorCodes.InvalidParameter, "direction must be backwards or forwards.");
        }

        var limit = ParseLong(query, "limit") ?? HistoryQuery.DefaultLimit;
        if (limit is < 1 or > HistoryQuery.MaxLimit)
        {
            throw AblyAuthority.Fail(AblyErrorCodes.InvalidParameter, $"limit must be from 1 to {HistoryQuery.MaxLimit}.");
        }

        var start = ParseTime(query, "start");
        var end = ParseTime(query, "end");
        if (start is { } s && end is { } e && s > e)
        {
            throw AblyAuthority.Fail(AblyErrorCodes.InvalidParameter, "start must not be after end.");
        }

        var historyQuery = new HistoryQuery
        {
            Start = start is { } st ? DateTimeOffset.FromUnixTimeMilliseconds(st) : null,
            End = end is { } en ? DateTimeOffset.FromUnixTimeMilliseconds(en) : null,
            Direction = direction == "forwards" ? HistoryDirection.Forwards : HistoryDirection.Backwards,
            Limit = (int)limit,
        };
        var fromSerial = query["fromSerial"].FirstOrDefault() ?? query["from_serial"].FirstOrDefault();
        byte[] body;
        string? next;
        if (presence)
        {
            var page = Hub.ReadPresenceHistory(channel, historyQuery, fromSerial);
            body = AblyCodec.EncodePresenceMessages([.. page.Items.Select(m => AblyPayloads.ToWire(m, format))], format);
            next = page.NextFromSerial;
        }
        else
        {
            var page = Hub.ReadHistory(channel, historyQuery, fromSerial);
            body = AblyCodec.EncodeMessages([.. page.Items.Select(m => AblyPayloads.ToWire(m, format))], format);
            next = page.NextFromSerial;
        }

        var resource = presence ? "history" : "messages";
        string Link(string? serial)
        {
            var parts = new List<string>();
            if (start is not null)
            {
                parts.Add("start=" + start.Value.ToString(CultureInfo.InvariantCulture));
            }

            if (end is not null)
            {
                parts.Add("end=" + end.Value.ToString(CultureInfo.InvariantCulture));
            }

            parts.Add("direction=" + direction);
            parts.Add("limit=" + limit.ToString(CultureInfo.InvariantCulture));
            if (serial is not null)
            {
                parts.Add("fromSerial=" + Uri.EscapeDataString(serial));
            }

            return "<./" + resource + "?" + string.Join('&', parts) + ">";
        }

        var links = new List<string> { Link(null) + "; rel=\"first\"", Link(fromSerial) + "; rel=\"current\"" };
        if (next is not null)
        {
            links.Add(Link(next) + "; rel=\"next\"");
        }

        context.Response.Headers.Link = string.Join(", ", links);
        await WriteBodyAsync(context, 200, body, format).ConfigureAwait(false);
    }

    private async Task PresenceAsync(HttpContext context, string channel, WireFormat format)
    {
        var auth = Authenticate(context.Request);
        ChannelNames.Validate(channel);
        if (!auth.Capability.Allows(channel, "presence") && !auth.Capability.Allows(channel, "subscribe"))
        {
            throw AblyAuthority.Fail(AblyErrorCodes.CapabilityDenied, $"Action not permitted: no presence capability on channel \"{channel}\".");
        }

        var clientId = context.Request.Query["clientId"].FirstOrDefault();
        var connectionId = context.Request.Query["connectionId"].FirstOrDefault();
        var limit = ParseLong(context.Request.Query, "limit") ?? 100;
        var members = Hub.GetPresence(channel)
            .Where(m => (clientId is null || m.ClientId == clientId) && (connectionId is null || m.ConnectionId == connectionId))
            .Take((int)Math.Clamp(limit, 1, 1000))
            .Select(m => AblyPayloads.ToWire(m, format))
            .ToList();
        await WriteBodyAsync(context, 200, AblyCodec.EncodePresenceMessages(members, format), format).ConfigureAwait(false);
    }

    private async Task ChannelDetailsAsync(HttpContext context, string channel)
    {
        var auth = Authenticate(context.Request);
        Require(auth, channel, "channel-metadata");
        var occupancy = ChannelOccupancy.Of(this, channel);
        await WriteJsonAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("channelId", channel);
            occupancy.WriteStatus(w, occupancy.IsOccupied);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static long? ParseLong(IQueryCollection query, string name)
    {
        if (query[name].FirstOrDefault() is not { } text)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw AblyAuthority.Fail(AblyErrorCodes.InvalidParameter, $"{name} must be an integer.");
    }

    // A time in milliseconds since the epoch that DateTimeOffset can hold (years 1 to 9999); outside that range the value
    // is the client's mistake (40003), not a server failure.
    private static long? ParseTime(IQueryCollection query, string name)
    {
        var value = ParseLong(query, name);
        if (value is < JsonWire.MinTimestamp or > JsonWire.MaxTimestamp)
        {
            throw AblyAuthority.Fail(
                AblyErrorCodes.InvalidParameter,
                string.Create(CultureInfo.InvariantCulture, $"{name} must be a time in milliseconds since 1970-01-01T00:00:00Z, from {JsonWire.MinTimestamp} to {JsonWire.MaxTimestamp}."));
        }

        return value;
    }

    private static WireFormat BodyFormat(HttpRequest request) =>
        request.ContentType is { } type && type.Contains(MsgPackType, StringComparison.OrdinalIgnoreCase) ? WireFormat.MsgPack : WireFormat.Json;

    private async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > Options.MaxRequestBodySize)
            {
                Metrics.RecordRefusal(EmulatorLimits.Ably, EmulatorLimits.BodySize);
                throw AblyAuthority.Fail(
                    AblyErrorCodes.MessageTooLarge,
                    string.Create(CultureInfo.InvariantCulture, $"Request body too large: the limit is {Options.MaxRequestBodySize} bytes."));
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Writes a body built as JSON, converted to msgpack when the client asked for it (ably-js decodes by the format it asked for).</summary>
    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        var format = WantsMsgPack(context.Request) ? WireFormat.MsgPack : WireFormat.Json;
        var body = format == WireFormat.MsgPack
            ? MessagePack.MessagePackSerializer.ConvertFromJson(Encoding.UTF8.GetString(stream.ToArray()), cancellationToken: context.RequestAborted)
            : stream.ToArray();
        await WriteBodyAsync(context, status, body, format).ConfigureAwait(false);
    }

    private static async Task WriteBodyAsync(HttpContext context, int status, byte[] body, WireFormat format)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = format == WireFormat.MsgPack ? MsgPackType : JsonType + "; charset=utf-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteErrorAsync(HttpContext context, ErrorInfo error, WireFormat format)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.Headers["X-Ably-ErrorCode"] = error.Code.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-Ably-ErrorMessage"] = new string([.. (error.Message ?? string.Empty).Select(c => c is >= ' ' and <= '~' ? c : '?')]);
        await WriteBodyAsync(context, error.StatusCode is >= 400 and < 600 ? error.StatusCode : 400, AblyCodec.EncodeError(error, format), format).ConfigureAwait(false);
    }
}
