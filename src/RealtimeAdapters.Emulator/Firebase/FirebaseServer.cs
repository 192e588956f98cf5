using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using RealtimeAdapters.Emulator.Firebase.Auth;
using RealtimeAdapters.Emulator.Firebase.Realtime;
using RealtimeAdapters.Emulator.Firebase.Rules;
using RealtimeAdapters.Emulator.Firebase.Streaming;
using RealtimeAdapters.Emulator.Hosting;

namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>
/// The Firebase Realtime Database REST front end: parses a request (path, query, credentials), checks it against the
/// namespace's rules, applies it to the in-memory engine and answers as the service does. Every failure becomes a
/// Firebase error response; nothing a client sends can take the server down or disturb other clients.
/// </summary>
internal sealed class FirebaseServer : IDisposable
{
    private readonly FirebaseEmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FirebaseAuthenticator _authenticator;
    private readonly CancellationTokenSource _stopping = new();

    public FirebaseServer(EmulatorOptions options, string? rules, ILogger logger, EmulatorMetrics metrics)
    {
        Metrics = metrics;
        _options = options.Firebase;
        _time = options.TimeProvider;
        _logger = logger;
        _authenticator = new FirebaseAuthenticator(_options.TokenSecret, _time);
        var initialRules = rules is null ? FirebaseRules.Open : FirebaseRules.Parse(rules);
        Namespaces = new FirebaseNamespaces(initialRules, _time, logger);
        Writer = new FirebaseWriter(_options, _time);
        Realtime = new RealtimeEndpoint(this);
        ConnectionsPerIp = new ConnectionsPerAddress(_options.MaxConnectionsPerIp);
    }

    /// <summary>The emulator's metrics: refusals by a limit, errors inside open sockets.</summary>
    public EmulatorMetrics Metrics { get; }

    /// <summary>The realtime connections and streams each client address holds (<see cref="FirebaseEmulatorOptions.MaxConnectionsPerIp"/>).</summary>
    public ConnectionsPerAddress ConnectionsPerIp { get; }

    /// <summary>The realtime WebSocket endpoint (<c>/.ws</c>), which the official SDKs use.</summary>
    public RealtimeEndpoint Realtime { get; }

    /// <summary>The writes shared by the REST and realtime front ends.</summary>
    public FirebaseWriter Writer { get; }

    /// <summary>The credential checks shared by the REST and realtime front ends.</summary>
    public FirebaseAuthenticator Authenticator => _authenticator;

    public FirebaseNamespaces Namespaces { get; }

    /// <summary>The redirect test hook (see <see cref="RealtimeEmulator.RedirectFirebaseRequests"/>).</summary>
    public FirebaseRedirects Redirects { get; } = new();

    /// <summary>Cancelled when the emulator stops, to end open streams.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public FirebaseEmulatorOptions Options => _options;

    public TimeProvider Time => _time;

    public ILogger Logger => _logger;

    public void BeginStop() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();

    public async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        var request = context.Request;
        try
        {
            await HandleCoreAsync(context).ConfigureAwait(false);
        }
        catch (FirebaseHttpException ex) when (!response.HasStarted)
        {
            if (ex.CurrentValue is { } current)
            {
                response.Headers.ETag = ex.ETag;
                await FirebaseResponses.WriteValueAsync(response, current, export: false, FirebasePrintMode.Default, ex.StatusCode).ConfigureAwait(false);
            }
            else
            {
                await FirebaseResponses.WriteErrorAsync(response, ex.StatusCode, ex.Message).ConfigureAwait(false);
            }
        }
        catch (RealtimeValidationException ex) when (!response.HasStarted)
        {
            await FirebaseResponses.WriteErrorAsync(response, 400, ex.Message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or EndOfStreamException && !response.HasStarted)
        {
            // The body ended before its declared length or was malformed at the HTTP level.
            await FirebaseResponses.WriteErrorAsync(response, 400, "Invalid request: the body is incomplete or malformed.").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            // The emulator is stopping: nothing left to answer.
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException &&
                                   (ex is ConnectionResetException || context.RequestAborted.IsCancellationRequested))
        {
            // The client went away (a reset while its request was being read, say): its doing, not a server error. 499
            // (client closed request) is only what the request log shows; nobody is left to receive it.
            Log.ClientWentAway(_logger, request.Method, request.Path.Value ?? "/");
            if (!response.HasStarted)
            {
                response.StatusCode = 499;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.UnhandledError(_logger, ex, request.Method, request.Path.Value ?? "/");
            if (!response.HasStarted)
            {
                response.Headers.Clear();
                await FirebaseResponses.WriteErrorAsync(response, 500, "Internal error").ConfigureAwait(false);
            }
        }

        Log.Request(_logger, request.Method, request.Path.Value ?? "/", response.StatusCode);
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.PathBase + request.Path + request.QueryString).ToString();
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = Redirects.Unalias(queryStart < 0 ? rawTarget : rawTarget[..queryStart]);
        var rawQuery = queryStart < 0 ? null : rawTarget[(queryStart + 1)..];

        if (request.Path.Value == "/.ws")
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                throw FirebaseHttpException.BadRequest("The realtime endpoint /.ws takes WebSocket upgrades only.");
            }

            using (OpenConnection(context, context.Request.Query["ns"].FirstOrDefault() ?? _options.DefaultNamespace))
            {
                await Realtime.AcceptAsync(context).ConfigureAwait(false);
            }

            return;
        }

        var target = FirebaseTarget.Parse(rawPath)
            ?? throw new FirebaseHttpException(404, "Not found: Realtime Database resources are addressed as /<path>.json.");
        var parameters = FirebaseQueryParameters.Parse(rawQuery, rfc3986: request.Headers["X-Firebase-Decoding"] == "1");
        var method = EffectiveMethod(request);
        if (Redirects.TryTake(parameters.Namespace ?? _options.DefaultNamespace))
        {
            FirebaseRedirects.Redirect(context, rawPath, rawQuery);
            return;
        }

        var identity = _authenticator.Authenticate(
            request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null,
            parameters.Auth,
            parameters.AccessToken,
            parameters.AuthVariableOverride);
        var ns = Namespaces.Get(parameters.Namespace ?? _options.DefaultNamespace);

        if (target.IsRules)
        {
            await HandleRulesAsync(context, method, parameters, identity, ns).ConfigureAwait(false);
            return;
        }

        if (method != "GET" && (parameters.HasQuery || parameters.Shallow || parameters.Export))
        {
            throw FirebaseHttpException.BadRequest("orderBy, startAt, endAt, equalTo, limitToFirst, limitToLast, shallow and format apply to reads only.");
        }

        switch (method)
        {
            case "GET":
                if (IsEventStream(request))
                {
                    using (OpenConnection(context, ns.Name))
                    {
                        await FirebaseEventStream.RunAsync(this, context, ns, identity, target, parameters).ConfigureAwait(false);
                    }
                }
                else
                {
                    await GetAsync(context, parameters, identity, ns, target).ConfigureAwait(false);
                }

                break;
            case "PUT":
                await PutAsync(context, parameters, identity, ns, target, await ReadBodyAsync(context).ConfigureAwait(false)).ConfigureAwait(false);
                break;
            case "DELETE":
                await PutAsync(context, parameters, identity, ns, target, null).ConfigureAwait(false);
                break;
            case "POST":
                await PostAsync(context, parameters, identity, ns, target).ConfigureAwait(false);
                break;
            case "PATCH":
                await PatchAsync(context, parameters, identity, ns, target).ConfigureAwait(false);
                break;
            default:
                response.Headers.Allow = "GET, PUT, POST, PATCH, DELETE, OPTIONS";
                throw new FirebaseHttpException(405, $"Method {FirebaseQueryParameters.Printable(method)} is not supported; use GET, PUT, POST, PATCH or DELETE.");
        }
    }

    private static string EffectiveMethod(HttpRequest request)
    {
        var method = request.Method.ToUpperInvariant();
        var overrideHeader = request.Headers["X-HTTP-Method-Override"];
        if (overrideHeader.Count == 0)
        {
            return method;
        }

        var requested = overrideHeader.ToString().Trim().ToUpperInvariant();
        if (method != "POST")
        {
            throw FirebaseHttpException.BadRequest("X-HTTP-Method-Override is only allowed on POST requests.");
        }

        return requested is "PUT" or "PATCH" or "DELETE" or "POST" or "GET"
            ? requested
            : throw FirebaseHttpException.BadRequest($"Invalid X-HTTP-Method-Override \"{FirebaseQueryParameters.Printable(requested)}\": use PUT, PATCH or DELETE.");
    }

    private static bool IsEventStream(HttpRequest request)
    {
        foreach (var accept in request.Headers.Accept)
        {
            if (accept is not null && accept.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    internal double NowMilliseconds() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Checks the read rules and the index a query needs; throws the service's error when refused.</summary>
    internal static void AuthorizeRead(FirebaseNamespace ns, FirebaseIdentity identity, DataNode root, RealtimePath path, RealtimeQuery? query, double now)
    {
        var rules = ns.Rules;
        if (!identity.IsAdmin && !rules.CanRead(identity.Auth, root, path, FirebaseRules.QueryVariables(query), now))
        {
            throw FirebaseHttpException.PermissionDenied();
        }

        if (query is not null && rules.MissingIndex(query) is { } missing)
        {
            throw FirebaseHttpException.BadRequest(missing);
        }
    }

    /// <summary>The query of a read request, validated (no query with shallow or on a priority).</summary>
    internal static RealtimeQuery? ReadQuery(FirebaseQueryParameters parameters, FirebaseTarget target)
    {
        var query = parameters.BuildQuery(target.Path);
        if (query is not null && parameters.Shallow)
        {
            throw FirebaseHttpException.BadRequest("shallow cannot be combined with orderBy, startAt, endAt, equalTo or the limits.");
        }

        if (query is not null && target.IsPriority)
        {
            throw FirebaseHttpException.BadRequest("A priority cannot be queried.");
        }

        return query;
    }

    private async Task GetAsync(HttpContext context, FirebaseQueryParameters parameters, FirebaseIdentity identity, FirebaseNamespace ns, FirebaseTarget target)
    {
        var query = ReadQuery(parameters, target);
        var root = ns.Database.Root;
        AuthorizeRead(ns, identity, root, target.Path, query, NowMilliseconds());
        var value = root.GetAt(target.Path);
        if (target.IsPriority)
        {
            value = value.Priority;
        }
        else if (query is not null)
        {
            value = query.Apply(value);
        }

        if (parameters.Shallow && value.Kind == DataNodeKind.Object)
        {
            value = DataNode.FromChildren(value.EnumerateChildren().Select(static c => new KeyValuePair<string, DataNode>(c.Key, DataNode.True)));
        }

        CheckReadTimeout(parameters, value, parameters.Export);

        var request = context.Request;
        var response = context.Response;
        var wantsETag = IsTrue(request.Headers["X-Firebase-ETag"]);
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (wantsETag || ifNoneMatch.Count > 0)
        {
            var etag = FirebaseETag.Of(value);
            response.Headers.ETag = etag;
            if (ifNoneMatch.Count > 0 && FirebaseETag.Matches(ifNoneMatch.ToString(), etag))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
        }

        await FirebaseResponses.WriteValueAsync(response, value, parameters.Export, parameters.Print).ConfigureAwait(false);
    }

    private async Task PutAsync(
        HttpContext context, FirebaseQueryParameters parameters, FirebaseIdentity identity, FirebaseNamespace ns, FirebaseTarget target, DataNode? body)
    {
        var value = body ?? DataNode.Null;
        var request = context.Request;
        var ifMatch = request.Headers.IfMatch;
        Func<DataNode, FirebaseHttpException?>? precondition = null;
        if (ifMatch.Count > 0)
        {
            var expected = ifMatch.ToString();
            precondition = current => FirebaseETag.Of(current) is var etag && FirebaseETag.Matches(expected, etag)
                ? null
                : new FirebaseHttpException(412, "ETag mismatch") { CurrentValue = current, ETag = etag };
        }

        var written = target.IsPriority
            ? Writer.SetPriority(ns, identity, target.Path, value, precondition)
            : Writer.Set(ns, identity, target.Path, value, parameters.WriteSizeLimit, precondition);

        var response = context.Response;
        if (ifMatch.Count > 0 || IsTrue(request.Headers["X-Firebase-ETag"]))
        {
            response.Headers.ETag = FirebaseETag.Of(written);
        }

        await FirebaseResponses.WriteValueAsync(response, body is null ? DataNode.Null : written, export: false, parameters.Print).ConfigureAwait(false);
    }

    private async Task PostAsync(HttpContext context, FirebaseQueryParameters parameters, FirebaseIdentity identity, FirebaseNamespace ns, FirebaseTarget target)
    {
        if (target.IsPriority)
        {
            throw FirebaseHttpException.BadRequest("POST cannot add a child to a priority.");
        }

        var value = await ReadBodyAsync(context).ConfigureAwait(false);
        var key = Writer.Push(ns, identity, target.Path, value, parameters.WriteSizeLimit);
        if (parameters.Print == FirebasePrintMode.Silent)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        await FirebaseResponses.WriteJsonAsync(context.Response, 200, parameters.Print == FirebasePrintMode.Pretty, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("name", key);
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task PatchAsync(HttpContext context, FirebaseQueryParameters parameters, FirebaseIdentity identity, FirebaseNamespace ns, FirebaseTarget target)
    {
        if (target.IsPriority)
        {
            throw FirebaseHttpException.BadRequest("PATCH cannot update a priority; PUT it instead.");
        }

        var entries = await ReadPatchBodyAsync(context).ConfigureAwait(false);
        var echo = Writer.Update(ns, identity, target.Path, entries, parameters.WriteSizeLimit);
        if (parameters.Print == FirebasePrintMode.Silent)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        await FirebaseResponses.WriteJsonAsync(context.Response, 200, parameters.Print == FirebasePrintMode.Pretty, writer =>
        {
            writer.WriteStartObject();
            foreach (var (key, value) in echo)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>Refuses a read whose estimated duration (its answer's size at the configured read rate) exceeds its <c>timeout</c>.</summary>
    private void CheckReadTimeout(FirebaseQueryParameters parameters, DataNode value, bool export)
    {
        if (parameters.Timeout is not { } timeout)
        {
            return;
        }

        var seconds = (double)value.ToUtf8Json(export).Length / _options.ReadBytesPerSecond;
        if (seconds > timeout.TotalSeconds)
        {
            throw FirebaseHttpException.BadRequest(FirebaseMessages.ReadTimedOut(timeout, seconds));
        }
    }

    private async Task HandleRulesAsync(HttpContext context, string method, FirebaseQueryParameters parameters, FirebaseIdentity identity, FirebaseNamespace ns)
    {
        if (!identity.IsAdmin)
        {
            throw FirebaseHttpException.PermissionDenied();
        }

        if (parameters.HasQuery || parameters.Shallow || parameters.Export)
        {
            throw FirebaseHttpException.BadRequest("The rules take no query parameters.");
        }

        var response = context.Response;
        switch (method)
        {
            case "GET":
            {
                response.StatusCode = 200;
                response.ContentType = "application/json; charset=utf-8";
                var bytes = Encoding.UTF8.GetBytes(ns.Rules.Source);
                response.ContentLength = bytes.Length;
                await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
                break;
            }

            case "PUT":
            {
                var bytes = await ReadBodyBytesAsync(context).ConfigureAwait(false);
                if (!Utf8.IsValid(bytes.Span))
                {
                    throw FirebaseHttpException.BadRequest(FirebaseMessages.InvalidData);
                }

                ns.ReplaceRules(FirebaseRules.Parse(Encoding.UTF8.GetString(bytes.Span)));
                Log.RulesReplaced(_logger, ns.Name);
                await FirebaseResponses.WriteJsonAsync(response, 200, pretty: false, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("status", "ok");
                    writer.WriteEndObject();
                }).ConfigureAwait(false);
                break;
            }

            default:
                response.Headers.Allow = "GET, PUT";
                throw new FirebaseHttpException(405, "The rules can only be read (GET) or replaced (PUT).");
        }
    }

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues header) =>
        header.Count > 0 && string.Equals(header.ToString().Trim(), "true", StringComparison.OrdinalIgnoreCase);

    private async Task<DataNode> ReadBodyAsync(HttpContext context)
    {
        var bytes = await ReadBodyBytesAsync(context).ConfigureAwait(false);
        return ParseJson(bytes.Span, static (ref Utf8JsonReader reader) =>
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            return DataNode.FromJson(doc.RootElement);
        });
    }

    private async Task<List<(RealtimePath Relative, DataNode Value)>> ReadPatchBodyAsync(HttpContext context)
    {
        var bytes = await ReadBodyBytesAsync(context).ConfigureAwait(false);
        var entries = ParseJson(bytes.Span, static (ref Utf8JsonReader reader) =>
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw FirebaseHttpException.BadRequest("Invalid data: a PATCH body must be a JSON object whose keys are the paths to update.");
            }

            var list = new List<(RealtimePath, DataNode)>();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!RealtimePath.TryParse(property.Name, out var relative) || relative!.IsRoot)
                {
                    var problem = property.Name.Length == 0 || property.Name.Trim('/').Length == 0
                        ? "keys must not be empty"
                        : RealtimePath.TryParse(property.Name, out _) ? "invalid path" : InvalidPathProblem(property.Name);
                    throw FirebaseHttpException.BadRequest($"Invalid data: invalid update key \"{FirebaseQueryParameters.Printable(property.Name)}\": {problem}.");
                }

                list.Add((relative, DataNode.FromJson(property.Value)));
            }

            return list;
        });

        return entries;
    }

    private static string InvalidPathProblem(string text)
    {
        try
        {
            RealtimePath.Parse(text);
            return "invalid path";
        }
        catch (RealtimeValidationException ex)
        {
            return ex.Message;
        }
    }

    private delegate T JsonReaderFunc<T>(ref Utf8JsonReader reader);

    private static T ParseJson<T>(ReadOnlySpan<byte> utf8, JsonReaderFunc<T> parse)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            utf8 = utf8[3..];
        }

        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw FirebaseHttpException.BadRequest(FirebaseMessages.NoData);
        }

        if (!Utf8.IsValid(utf8))
        {
            throw FirebaseHttpException.BadRequest(FirebaseMessages.InvalidData);
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 256 });
            var result = parse(ref reader);
            if (reader.Read())
            {
                throw FirebaseHttpException.BadRequest(FirebaseMessages.InvalidData);
            }

            return result;
        }
        catch (JsonException)
        {
            throw FirebaseHttpException.BadRequest(FirebaseMessages.InvalidData);
        }
        catch (InvalidOperationException)
        {
            // Text that is valid UTF-8 but escapes invalid UTF-16 (a lone surrogate) cannot become a string.
            throw FirebaseHttpException.BadRequest(FirebaseMessages.InvalidData);
        }
    }

    /// <summary>
    /// A slot for a realtime connection or a stream of the client's address, held until it ends; over
    /// <see cref="FirebaseEmulatorOptions.MaxConnectionsPerIp"/> the request is refused with 429 (before any upgrade).
    /// </summary>
    private IDisposable OpenConnection(HttpContext context, string ns)
    {
        if (ConnectionsPerIp.TryOpen(context.Connection.RemoteIpAddress) is { } lease)
        {
            return lease;
        }

        Metrics.RecordRefusal(EmulatorLimits.Firebase, EmulatorLimits.ConnectionsPerIp);
        throw new FirebaseHttpException(StatusCodes.Status429TooManyRequests, FirebaseMessages.TooManyConnections(FirebaseQueryParameters.Printable(ns), ConnectionsPerIp.Max));
    }

    private FirebaseHttpException PayloadTooLarge(long limit)
    {
        Metrics.RecordRefusal(EmulatorLimits.Firebase, EmulatorLimits.BodySize);
        return FirebaseHttpException.BadRequest(FirebaseMessages.PayloadTooLarge(limit));
    }

    private async Task<ReadOnlyMemory<byte>> ReadBodyBytesAsync(HttpContext context)
    {
        var limit = _options.MaxRequestBodySize;
        var request = context.Request;
        var cancellationToken = context.RequestAborted;
        if (request.ContentLength is { } declared)
        {
            if (declared > limit)
            {
                throw PayloadTooLarge(limit);
            }

            // The length is known and within the limit: read straight into a buffer of that size.
            var exact = new byte[declared];
            await request.Body.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
            return exact;
        }

        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var buffer = new MemoryStream();
            while (true)
            {
                var read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
                }

                if (buffer.Length + read > limit)
                {
                    throw PayloadTooLarge(limit);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
