using System.Text.Json;
using System.Threading.Channels;
using RealtimeAdapters.Firebase.Internal;

namespace RealtimeAdapters.Firebase.Realtime;

// RealtimeClient: what arrives on the socket — control messages and the handshake, answers to requests, and data
// pushes routed to their listens.
internal sealed partial class RealtimeClient
{
    private RealtimeConnectionException? OnControl(JsonElement body, Channel<byte[]> outbound, ref bool handshaken)
    {
        var kind = body.TryGetProperty("t", out var t) ? t.GetString() : null;
        var data = body.TryGetProperty("d", out var d) ? d : default;
        switch (kind)
        {
            case "h":
                if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("ts", out var ts) && ts.TryGetInt64(out var serverNow))
                {
                    Interlocked.Exchange(ref _serverOffsetMs, serverNow - _time.GetUtcNow().ToUnixTimeMilliseconds());
                }

                _session = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("s", out var s) && s.GetString() is { Length: > 0 } session ? session : null;
                handshaken = true;
                OnHandshake(outbound);
                return null;
            case "s":
                // Shutdown: the service will not take this client back; reconnecting would only be refused again.
                _shutDown = true;
                return new RealtimeConnectionException($"The Firebase database shut the connection down: {(data.ValueKind == JsonValueKind.String ? data.GetString() : "no reason given")}")
                {
                    ProviderName = FirebaseRealtimeStore.Name,
                };
            case "r":
                return Lost("the database asked the client to reconnect");
            default:
                // Pongs, errors for the log, and the long-polling upgrade messages need no answer.
                return null;
        }
    }

    private void OnHandshake(Channel<byte[]> outbound)
    {
        var (auth, body) = _credentials.Credential();
        lock (_gate)
        {
            if (_lifetime.IsCancellationRequested)
            {
                return;
            }

            _outbound = outbound;

            // Order matters (as the SDKs do it): the credential, then every listen with its hash, then the requests.
            if (auth is not null)
            {
                var number = ++_nextNumber;
                _authNumber = number;
                outbound.Writer.TryWrite(RealtimeWire.Envelope(number, auth, body!));
                ScheduleRefresh(outbound);
            }

            foreach (var watch in _listens)
            {
                SendListen(outbound, watch);
            }

            foreach (var request in _queue)
            {
                Send(outbound, request);
            }
        }

        // Reported before the waiters are released, so that a caller of ConnectAsync sees Connected.
        _store.ConnectionState.Report(this, ConnectionState.Connected);
        lock (_gate)
        {
            _connected.TrySetResult();
        }
    }

    private RealtimeAuthenticationException? OnData(JsonElement body)
    {
        if (body.TryGetProperty("r", out var r) && r.TryGetInt64(out var number))
        {
            var answer = body.TryGetProperty("b", out var b) ? b : default;
            var status = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("s", out var st) ? st.GetString() ?? "" : "";
            var data = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("d", out var dd) ? dd : default;
            return OnAnswer(number, status, data);
        }

        if (!body.TryGetProperty("a", out var a) || !body.TryGetProperty("b", out var push) || push.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        // The action compared in place: reading it as a string would allocate one per push.
        var merge = a.ValueEquals("m"u8);
        if (merge || a.ValueEquals("d"u8))
        {
            OnDataPush(merge, push);
            return null;
        }

        switch (a.GetString())
        {
            case "c":
                OnRevoked(push);
                return null;
            case "ac":
                // The credential was revoked (expired): reconnect, which asks the token provider again.
                return new RealtimeAuthenticationException($"The Firebase database revoked the credential: {RealtimeWire.ReadReason(push)}")
                {
                    ProviderName = FirebaseRealtimeStore.Name,
                    IsRetryable = true,
                };
            default:
                return null;
        }
    }

    private RealtimeAuthenticationException? OnAnswer(long number, string status, JsonElement data)
    {
        RealtimeRequest? request;
        RealtimeWatch? listen;
        lock (_gate)
        {
            if (number == _authNumber)
            {
                _authNumber = 0;
                return status == "ok"
                    ? null
                    : new RealtimeAuthenticationException($"The Firebase database refused the credential ({status}).")
                    {
                        ProviderName = FirebaseRealtimeStore.Name,
                        IsRetryable = true,
                    };
            }

            if (_sent.Remove(number, out request))
            {
                Dequeue(request);
            }

            _listensByNumber.Remove(number, out listen);
        }

        if (request is not null)
        {
            // The answer outlives its message: a copy, except for a write's "ok" and its empty string (a copy would cost a
            // document per write).
            var written = request.Kind == RealtimeRequestKind.Write && data.ValueKind == JsonValueKind.String && data.ValueEquals(""u8);
            request.Complete(status, written || data.ValueKind == JsonValueKind.Undefined ? default : data.Clone());
        }

        if (listen is not null)
        {
            if (status == "ok")
            {
                listen.OnListening();
            }
            else
            {
                listen.End(new RealtimePermissionException($"Firebase refused the watch of {listen.Query.Path} ({status}).") { ProviderName = FirebaseRealtimeStore.Name });
            }
        }

        return null;
    }

    private void OnDataPush(bool merge, JsonElement push)
    {
        var path = push.TryGetProperty("p", out var p) ? p.GetString() ?? "/" : "/";
        var data = push.TryGetProperty("d", out var d) ? d : default;
        long? tag = push.TryGetProperty("t", out var t) && t.TryGetInt64(out var n) ? n : null;
        var (at, isPriority) = RealtimeWire.WirePath(path);
        List<(RealtimePath Path, DataNode Value, bool IsPriority)> entries;
        if (merge)
        {
            entries = [];
            if (data.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in data.EnumerateObject())
                {
                    var (relative, priority) = RealtimeWire.WirePath(entry.Name);
                    entries.Add((at.Child(relative), ServerChange.ReadValue(entry.Value), priority));
                }
            }
        }
        else
        {
            // An overwrite (most pushes): one change per listen concerned, without the lists a merge needs.
            var value = ServerChange.ReadValue(data);
            foreach (var watch in Volatile.Read(ref _listenSnapshot))
            {
                if (watch.Tag == tag && RealtimeWire.TryChangeFor(watch.Query.Path, at, value, isPriority, out var change))
                {
                    watch.OnPush([change]);
                }
            }

            return;
        }

        foreach (var watch in Volatile.Read(ref _listenSnapshot))
        {
            if (watch.Tag != tag)
            {
                continue;
            }

            var changes = RealtimeWire.ChangesFor(watch.Query.Path, entries);
            if (changes.Count > 0)
            {
                watch.OnPush(changes);
            }
        }
    }

    private void OnRevoked(JsonElement push)
    {
        var (path, _) = RealtimeWire.WirePath(push.TryGetProperty("p", out var p) ? p.GetString() ?? "/" : "/");
        List<RealtimeWatch> revoked;
        lock (_gate)
        {
            revoked = [.. _listens.Where(w => w.Query.Path == path)];
        }

        foreach (var watch in revoked)
        {
            watch.End(new RealtimePermissionException($"Firebase cancelled the watch of {path}: permission denied.") { ProviderName = FirebaseRealtimeStore.Name });
        }
    }
}
