using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RealtimeAdapters.Emulator.Firebase.Rules;
using RealtimeAdapters.Emulator.Hosting;

namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>The namespaces of one emulator, each created on first use with the configured rules.</summary>
internal sealed class FirebaseNamespaces(FirebaseRules initialRules, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<string, FirebaseNamespace> _namespaces = new(StringComparer.Ordinal);

    public FirebaseNamespace Get(string name)
    {
        if (_namespaces.TryGetValue(name, out var existing))
        {
            return existing;
        }

        var created = _namespaces.GetOrAdd(name, static (n, state) => new FirebaseNamespace(n, state.initialRules, state.time), (initialRules, time));
        Log.NamespaceCreated(logger, name);
        return created;
    }
}
