using System.Text;

namespace RealtimeAdapters.Ably.Tests.Auth;

/// <summary>Passes requests on and records each one as text (method, URL, headers, body), to check what went on the wire.</summary>
internal sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly List<string> _requests = [];

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var text = new StringBuilder().Append(request.Method).Append(' ').Append(request.RequestUri).Append('\n').Append(request.Headers);
        if (request.Content is not null)
        {
            text.Append(request.Content.Headers).Append('\n').Append(await request.Content.ReadAsStringAsync(cancellationToken));
        }

        lock (_requests)
        {
            _requests.Add(text.ToString());
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
