using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>
/// The redirect test hook: answers the next requests of a namespace (REST and streams alike) with <c>307 Temporary
/// Redirect</c> to the same resource under the alias <see cref="AliasPrefix"/>, as the service redirects a client to
/// the server that holds the data. The <c>Location</c> carries the query without its credentials (<c>auth</c>,
/// <c>access_token</c>), so a client must apply them again, and an <c>Authorization</c> header is not carried by
/// redirects anyway.
/// </summary>
internal sealed class FirebaseRedirects
{
    /// <summary>The path prefix the emulator serves as an alias of the root.</summary>
    public const string AliasPrefix = "/.redirected";

    private readonly ConcurrentDictionary<string, int> _pending = new(StringComparer.Ordinal);
    private long _followed;

    /// <summary>How many requests arrived through the alias (followed redirects).</summary>
    public long Followed => Interlocked.Read(ref _followed);

    public void Add(string ns, int count) => _pending.AddOrUpdate(ns, count, (_, current) => current + count);

    /// <summary>Takes one pending redirect of <paramref name="ns"/>; false when none is left.</summary>
    public bool TryTake(string ns)
    {
        while (_pending.TryGetValue(ns, out var count) && count > 0)
        {
            if (_pending.TryUpdate(ns, count - 1, count))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Strips the alias from a raw path, counting the request as a followed redirect.</summary>
    public string Unalias(string rawPath)
    {
        if (rawPath.StartsWith(AliasPrefix + "/", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _followed);
            return rawPath[AliasPrefix.Length..];
        }

        return rawPath;
    }

    /// <summary>Answers with a 307 to the aliased resource, the credentials dropped from the query.</summary>
    public static void Redirect(HttpContext context, string rawPath, string? rawQuery)
    {
        var query = new StringBuilder();
        foreach (var pair in (rawQuery ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = pair.Split('=')[0];
            if (name is "auth" or "access_token")
            {
                continue;
            }

            query.Append(query.Length == 0 ? '?' : '&').Append(pair);
        }

        var request = context.Request;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        response.Headers.Location = $"{request.Scheme}://{request.Host}{AliasPrefix}{rawPath}{query}";
        response.ContentLength = 0;
    }
}
