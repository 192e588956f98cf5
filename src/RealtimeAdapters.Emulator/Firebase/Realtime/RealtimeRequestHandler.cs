using RealtimeAdapters.Firebase.Protocol;
using System.Text.Json;
using RealtimeAdapters.Emulator.Firebase.Auth;
using RealtimeAdapters.Emulator.Hosting;

namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// Serves a connection's data requests (<c>{"r":n,"a":action,"b":body}</c>), one at a time in arrival order: listens,
/// writes, onDisconnect writes, gets and credentials. Every request with an <c>r</c> gets an answer, after the pushes it
/// caused (they are queued while the engine applies the write). A refused request changes nothing.
/// </summary>
internal sealed class RealtimeRequestHandler(RealtimeConnection connection)
{
    private const string OwnerCredential = "owner";

    private FirebaseServer Server => connection.Server;

    private FirebaseNamespace Namespace => connection.Namespace;

    public void Handle(JsonElement data)
    {
        long? request = null;
        try
        {
            request = WireFields.Integer(data, "r");
            var action = WireFields.String(data, "a") ?? throw WireFields.Invalid("the request has no action (a)");
            var body = data.TryGetProperty("b", out var b) && b.ValueKind == JsonValueKind.Object ? b : default;
            if (body.ValueKind != JsonValueKind.Object && action is not ("s" or "unauth" or "unappeck"))
            {
                throw WireFields.Invalid("the request has no body (b)");
            }

            Dispatch(request, action, body);
        }
        catch (RealtimeRequestException ex)
        {
            Refuse(request, ex.Status, ex.Message);
        }
        catch (FirebaseHttpException ex)
        {
            var refusal = RealtimeRequestException.From(ex);
            Refuse(request, refusal.Status, refusal.Message);
        }
        catch (RealtimeValidationException ex)
        {
            Refuse(request, RealtimeRequestException.InvalidData, ex.Message);
        }
    }

    private void Dispatch(long? request, string action, JsonElement body)
    {
        switch (action)
        {
            case "q":
                Listen(request, body);
                return;
            case "n":
                var (path, _) = WireFields.Path(body);
                connection.Listens.Remove(path, WireFields.Integer(body, "t"));
                break;
            case "p":
                Put(body);
                break;
            case "m":
                Merge(body);
                break;
            case "o":
                DisconnectPut(body);
                break;
            case "om":
                DisconnectMerge(body);
                break;
            case "oc":
                connection.Disconnects.Register(WireFields.Path(body).Path, OnDisconnectOperation.Cancel());
                break;
            case "g":
                Get(request, body);
                return;
            case "auth":
            case "gauth":
                Authenticate(body);
                break;
            case "unauth":
                connection.Access.SetIdentity(FirebaseIdentity.Anonymous);
                break;
            case "s":
            case "appcheck":
            case "unappeck":
                // Statistics and App Check tokens: accepted and not checked, as an emulator does.
                break;
            default:
                throw new RealtimeRequestException(RealtimeRequestException.InvalidRequest, $"Unknown action \"{FirebaseQueryParameters.Printable(action)}\".");
        }

        if (request is { } r)
        {
            connection.Sender.Post(RealtimeMessages.Ok(r));
        }
    }

    private void Refuse(long? request, string status, string reason)
    {
        connection.Server.Metrics.RecordSocketError(EmulatorLimits.Firebase, status);
        if (request is { } r)
        {
            connection.Sender.Post(RealtimeMessages.Refused(r, status, reason));
        }
    }

    /// <summary>
    /// A listen: the read is checked, then the engine registration sends the current data (or, for a query, its window)
    /// into the queue before the <c>ok</c> is queued, and every later change after it.
    /// </summary>
    private void Listen(long? request, JsonElement body)
    {
        var (path, isPriority) = WireFields.Path(body);
        if (isPriority)
        {
            throw WireFields.Invalid("a priority cannot be listened to");
        }

        var tag = WireFields.Integer(body, "t");
        JsonElement? wireQuery = body.TryGetProperty("q", out var q) && q.ValueKind != JsonValueKind.Null ? q.Clone() : null;
        var query = wireQuery is { } given ? WireQuery.Parse(path, given) : null;
        if (tag is null)
        {
            if (query is { HasFilter: true })
            {
                throw WireFields.Invalid("a query with a range or a limit needs a tag (t)");
            }

            // An order alone selects everything: the client sorts, the server sends the location.
            query = null;
            wireQuery = null;
        }
        else
        {
            query ??= RealtimeQuery.At(path);
        }

        var database = Namespace.Database;
        if (!connection.Access.MayRead(connection.Access.Identity, database.Root, path, query))
        {
            throw new RealtimeRequestException(RealtimeRequestException.PermissionDenied, FirebaseMessages.PermissionDenied);
        }

        var missingIndex = query is not null && Namespace.Rules.MissingIndex(query) is not null;
        var listen = new RealtimeListen(WireFields.String(body, "p")!, path, query, tag, wireQuery, WireFields.String(body, "h") ?? string.Empty);
        connection.Listens.Add(listen);
        connection.Access.WatchRules();
        var sender = connection.Sender;
        if (query is not null)
        {
            listen.Attach(QueryWindowFeed.Start(database, query, batch =>
            {
                if (!listen.IsActive)
                {
                    return false;
                }

                sender.Post(new OutboundItem(OutboundKind.Window, Listen: listen, Batch: batch));
                return true;
            }));
        }
        else
        {
            listen.Attach(database.ObserveWrites(
                path,
                value => sender.Post(new OutboundItem(OutboundKind.Initial, Listen: listen, Value: value)),
                write =>
                {
                    if (listen.IsActive)
                    {
                        sender.Post(new OutboundItem(OutboundKind.Write, Listen: listen, Write: write));
                    }
                }));
        }

        if (request is { } r)
        {
            // The service answers an unindexed query with a warning and serves it all the same.
            sender.Post(RealtimeMessages.Response(r, "ok", w =>
            {
                w.WriteStartObject();
                if (missingIndex)
                {
                    w.WriteStartArray("w");
                    w.WriteStringValue("no_index");
                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }));
        }
    }

    /// <summary>A set, or a transaction's set when it carries the hash of the value it was computed from (<c>datastale</c> when that moved on).</summary>
    private void Put(JsonElement body)
    {
        var (path, isPriority) = WireFields.Path(body);
        var value = WireFields.Data(body);
        Func<DataNode, FirebaseHttpException?>? precondition = null;
        if (WireFields.String(body, "h") is { } hash)
        {
            precondition = current => FirebaseHash.Of(current) == hash ? null : new FirebaseHttpException(412, "Transaction hash does not match");
        }

        var identity = connection.Access.Identity;
        if (isPriority)
        {
            Server.Writer.SetPriority(Namespace, identity, path, value, precondition);
        }
        else
        {
            Server.Writer.Set(Namespace, identity, path, value, writeSizeLimit: null, precondition);
        }
    }

    /// <summary>
    /// A multi-path update, applied atomically as one write. Keys ending in <c>.priority</c> set a priority; such an update
    /// is applied as one set of the composed location, since the engine's update takes values only.
    /// </summary>
    private void Merge(JsonElement body)
    {
        var (path, isPriority) = WireFields.Path(body);
        if (isPriority)
        {
            throw WireFields.Invalid("an update cannot be made at a priority");
        }

        var entries = MergeEntries(body);
        if (entries.Count == 0)
        {
            return;
        }

        var identity = connection.Access.Identity;
        if (entries.Any(static e => e.IsPriority))
        {
            FirebaseWriter.CheckDisjoint([.. entries.Where(static e => !e.IsPriority).Select(static e => (e.Relative, e.Value))]);
            Server.Writer.Set(Namespace, identity, path, current => Compose(current, entries), writeSizeLimit: null, precondition: null);
        }
        else
        {
            Server.Writer.Update(Namespace, identity, path, [.. entries.Select(static e => (e.Relative, e.Value))]);
        }
    }

    private static DataNode Compose(DataNode current, IEnumerable<(RealtimePath Relative, bool IsPriority, DataNode Value)> entries)
    {
        foreach (var (relative, isPriority, value) in entries)
        {
            current = current.SetAt(relative, isPriority ? current.GetAt(relative).WithPriority(value) : value);
        }

        return current;
    }

    private void DisconnectPut(JsonElement body)
    {
        var (path, isPriority) = WireFields.Path(body);
        if (isPriority)
        {
            throw WireFields.Invalid("an onDisconnect write at a priority is not supported; set the value with its priority instead");
        }

        var value = WireFields.Data(body);
        Server.Writer.CheckSet(Namespace, connection.Access.Identity, path, value);
        connection.Disconnects.Register(path, OnDisconnectOperation.Set(value));
    }

    private void DisconnectMerge(JsonElement body)
    {
        var (path, isPriority) = WireFields.Path(body);
        var entries = MergeEntries(body);
        if (isPriority || entries.Any(static e => e.IsPriority))
        {
            throw WireFields.Invalid("an onDisconnect update cannot set a priority");
        }

        var values = entries.Select(static e => (e.Relative, e.Value)).ToList();
        if (values.Count == 0)
        {
            return;
        }

        Server.Writer.CheckUpdate(Namespace, connection.Access.Identity, path, values);
        connection.Disconnects.Register(
            path, OnDisconnectOperation.Update(values.ToDictionary(static e => e.Relative.ToString()[1..], static e => e.Value, StringComparer.Ordinal)));
    }

    /// <summary>A one-shot read: the data rides in the answer, no push.</summary>
    private void Get(long? request, JsonElement body)
    {
        var (path, isPriority) = WireFields.Path(body);
        if (isPriority)
        {
            throw WireFields.Invalid("a priority cannot be read on its own");
        }

        var query = body.TryGetProperty("q", out var q) && q.ValueKind == JsonValueKind.Object ? WireQuery.Parse(path, q) : null;
        var root = Namespace.Database.Root;
        if (!connection.Access.MayRead(connection.Access.Identity, root, path, query))
        {
            throw new RealtimeRequestException(RealtimeRequestException.PermissionDenied, FirebaseMessages.PermissionDenied);
        }

        var value = root.GetAt(path);
        if (query is not null)
        {
            value = query.Apply(value);
        }

        if (request is { } r)
        {
            connection.Sender.Post(RealtimeMessages.Response(r, "ok", w => value.WriteTo(w, export: true)));
        }
    }

    /// <summary>
    /// <c>auth</c> / <c>gauth</c>: the emulator's <c>owner</c> (and the configured secret) are admin, anything else must be
    /// an ID token (unsigned or HS256). An admin may act as someone else (<c>authvar</c>) or as nobody (<c>noauth</c>). A
    /// refused credential leaves the connection unauthenticated. Messages never quote the credential.
    /// </summary>
    private void Authenticate(JsonElement body)
    {
        var credential = WireFields.String(body, "cred") ?? throw WireFields.Invalid("the credential (cred) is missing");
        FirebaseIdentity identity;
        try
        {
            identity = credential == OwnerCredential || Server.Authenticator.IsSecret(credential)
                ? FirebaseIdentity.Admin
                : Server.Authenticator.ReadToken(credential, lapsedUnsignedTokensValid: true);
        }
        catch (FirebaseHttpException ex)
        {
            connection.Access.SetIdentity(FirebaseIdentity.Anonymous);
            var status = ex.Message == FirebaseMessages.ExpiredToken ? RealtimeRequestException.ExpiredToken : RealtimeRequestException.InvalidToken;
            throw new RealtimeRequestException(status, ex.Message);
        }

        var hasOverride = body.TryGetProperty("authvar", out var authvar) && authvar.ValueKind != JsonValueKind.Null;
        var noAuth = WireFields.Flag(body, "noauth");
        if (hasOverride || noAuth)
        {
            if (!identity.IsAdmin)
            {
                connection.Access.SetIdentity(FirebaseIdentity.Anonymous);
                throw new RealtimeRequestException(RealtimeRequestException.InvalidToken, "authvar and noauth require admin credentials.");
            }

            identity = noAuth || authvar.ValueKind != JsonValueKind.Object
                ? FirebaseIdentity.Anonymous
                : new FirebaseIdentity(false, authvar.Clone(), null);
        }

        connection.Access.SetIdentity(identity);
    }

    private static List<(RealtimePath Relative, bool IsPriority, DataNode Value)> MergeEntries(JsonElement body)
    {
        if (!body.TryGetProperty("d", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw WireFields.Invalid("an update's data (d) must be an object of relative paths");
        }

        var entries = new List<(RealtimePath, bool, DataNode)>();
        foreach (var property in data.EnumerateObject())
        {
            var segments = property.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var isPriority = segments.Length > 0 && segments[^1] == ".priority";
            if (isPriority)
            {
                segments = segments[..^1];
            }

            if (!RealtimePath.TryParse(string.Join('/', segments), out var relative) || (relative!.IsRoot && !isPriority))
            {
                throw new RealtimeRequestException(
                    RealtimeRequestException.InvalidData, $"Invalid data: invalid update key \"{FirebaseQueryParameters.Printable(property.Name)}\".");
            }

            entries.Add((relative, isPriority, DataNode.FromJson(property.Value)));
        }

        return entries;
    }
}
