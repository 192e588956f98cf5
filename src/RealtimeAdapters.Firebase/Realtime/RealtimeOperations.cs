using System.Text.Json;
using RealtimeAdapters.Firebase.Internal;
using RealtimeAdapters.Firebase.Protocol;

namespace RealtimeAdapters.Firebase.Realtime;

/// <summary>
/// The store's operations as requests of the realtime protocol: <c>g</c> reads, <c>p</c> puts (with the data hash for a
/// transaction), <c>m</c> merges, <c>o</c>/<c>om</c>/<c>oc</c> on-disconnect writes. Builds the bodies and turns the
/// answers into values or typed errors; the <see cref="RealtimeClient"/> carries them.
/// </summary>
internal sealed class RealtimeOperations(RealtimeClient client)
{
    public RealtimeClient Client => client;

    /// <summary>Reads a location or query; the server applies the query's range and limit.</summary>
    public async Task<DataNode> GetAsync(RealtimeQuery query, CancellationToken cancellationToken)
    {
        var body = Body(query.Path, json =>
        {
            json.WritePropertyName("q");
            if (query.HasFilter || query.OrderBy != QueryOrderBy.Default)
            {
                WireQueryWriter.Write(json, query);
            }
            else
            {
                json.WriteStartObject();
                json.WriteEndObject();
            }
        });
        var answer = await SendAsync("g", body, RealtimeRequestKind.Once, "read", query.Path, cancellationToken).ConfigureAwait(false);
        return ServerChange.ReadValue(answer.Data);
    }

    /// <summary>Replaces the value at <paramref name="path"/> (at its priority with <paramref name="priorityOnly"/>).</summary>
    public Task PutAsync(RealtimePath path, DataNode value, bool priorityOnly, CancellationToken cancellationToken)
    {
        var body = RealtimeWire.Json((path, value, priorityOnly), static (json, state) =>
        {
            json.WriteStartObject();
            WritePath(json, state.path, state.priorityOnly);
            WriteData(json, state.value);
            json.WriteEndObject();
        });
        return SendAsync("p", body, RealtimeRequestKind.Write, priorityOnly ? "priority write" : "write", path, cancellationToken);
    }

    /// <summary>Writes several relative paths below <paramref name="path"/> in one merge.</summary>
    public Task MergeAsync(RealtimePath path, IReadOnlyList<(RealtimePath Relative, DataNode Value)> entries, CancellationToken cancellationToken) =>
        SendAsync("m", Body(path, json => WriteEntries(json, entries)), RealtimeRequestKind.Write, "update", path, cancellationToken);

    /// <summary>
    /// A transaction's put: applied only if the value at <paramref name="path"/> still hashes to <paramref name="hash"/>.
    /// Returns false when it did not (<c>datastale</c>): the caller reads again and retries.
    /// </summary>
    public async Task<bool> PutIfUnchangedAsync(RealtimePath path, DataNode value, string hash, CancellationToken cancellationToken)
    {
        var body = Body(path, json =>
        {
            WriteData(json, value);
            json.WriteString("h", hash);
        });
        var request = new RealtimeRequest("p", body, RealtimeRequestKind.Once, "transaction write", path);
        var answer = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (answer.Status == "datastale")
        {
            return false;
        }

        ThrowIfFailed(answer, request);
        return true;
    }

    /// <summary>Registers (or cancels) an on-disconnect write with the server.</summary>
    public Task OnDisconnectAsync(RealtimePath path, OnDisconnectOperation operation, CancellationToken cancellationToken)
    {
        var (action, body) = operation.Kind switch
        {
            OnDisconnectOperationKind.Set => ("o", Body(path, json => WriteData(json, operation.Value))),
            OnDisconnectOperationKind.Remove => ("o", Body(path, json => WriteData(json, DataNode.Null))),
            OnDisconnectOperationKind.Update => ("om", Body(path, json => WriteEntries(json, [.. operation.Updates!.Select(e => (RealtimePath.Parse(e.Key), e.Value))]))),
            _ => ("oc", Body(path, json => WriteData(json, DataNode.Null))),
        };
        return SendAsync(action, body, RealtimeRequestKind.Once, "on-disconnect registration", path, cancellationToken);
    }

    private async Task<RealtimeResponse> SendAsync(string action, byte[] body, RealtimeRequestKind kind, string what, RealtimePath path, CancellationToken cancellationToken)
    {
        var request = new RealtimeRequest(action, body, kind, what, path);
        var answer = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        ThrowIfFailed(answer, request);
        return answer;
    }

    private static void ThrowIfFailed(RealtimeResponse answer, RealtimeRequest request)
    {
        if (answer.IsOk)
        {
            return;
        }

        var detail = answer.Data.ValueKind == JsonValueKind.String ? answer.Data.GetString() : null;
        var message = $"Firebase refused the {request.What} at {request.Path}: {answer.Status}" + (string.IsNullOrEmpty(detail) ? "." : $" ({detail}).");
        throw answer.Status switch
        {
            "permission_denied" => new RealtimePermissionException(message) { ProviderName = FirebaseRealtimeStore.Name, ErrorCode = answer.Status },
            "invalid_token" or "expired_token" => new RealtimeAuthenticationException(message) { ProviderName = FirebaseRealtimeStore.Name, ErrorCode = answer.Status },
            "too_big" or "invalid_request" or "invalid_data" or "write_too_big" => new RealtimeValidationException(message, request.Path.ToString()) { ErrorCode = answer.Status },
            _ => new RealtimeException(message) { ProviderName = FirebaseRealtimeStore.Name, ErrorCode = answer.Status },
        };
    }

    private static byte[] Body(RealtimePath path, Action<Utf8JsonWriter> content, bool priority = false)
    {
        return RealtimeWire.Json((path, content, priority), static (json, state) =>
        {
            json.WriteStartObject();
            WritePath(json, state.path, state.priority);
            state.content(json);
            json.WriteEndObject();
        });
    }

    private static void WritePath(Utf8JsonWriter json, RealtimePath path, bool priority) =>
        json.WriteString("p", priority ? (path.IsRoot ? "/.priority" : path + "/.priority") : path.ToString());

    private static void WriteData(Utf8JsonWriter json, DataNode value)
    {
        json.WritePropertyName("d");
        value.WriteTo(json, export: true);
    }

    private static void WriteEntries(Utf8JsonWriter json, IReadOnlyList<(RealtimePath Relative, DataNode Value)> entries)
    {
        json.WriteStartObject("d");
        foreach (var (relative, value) in entries)
        {
            json.WritePropertyName(string.Join('/', relative.Segments));
            value.WriteTo(json, export: true);
        }

        json.WriteEndObject();
    }
}
