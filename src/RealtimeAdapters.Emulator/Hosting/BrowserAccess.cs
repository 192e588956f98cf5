using Microsoft.AspNetCore.Http;

namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// Cross-origin access for pages served from elsewhere (a web app on another port), as both services allow it: a
/// request carrying <c>Origin</c> is answered with <c>Access-Control-Allow-Origin</c> for that origin, and a preflight
/// (<c>OPTIONS</c> with <c>Access-Control-Request-Method</c>) is answered at once with the methods and the headers it asks
/// for, with <c>Access-Control-Allow-Credentials: true</c> as the service sends it (ably-js makes its requests with
/// <c>withCredentials</c>; the emulator sets no cookies, so this grants nothing beyond the headers a request carries).
/// Without it a browser SDK cannot call the REST endpoints (the token exchange, history).
/// </summary>
internal static class BrowserAccess
{
    private const string Methods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";

    public static async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!request.Headers.TryGetValue("Origin", out var origin) || origin.Count != 1)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.Vary = "Origin";
        headers.AccessControlAllowCredentials = "true";
        headers.AccessControlExposeHeaders = "Content-Type, ETag, X-Ably-ErrorCode, X-Ably-ErrorMessage, Link";
        if (HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method"))
        {
            headers.AccessControlAllowMethods = Methods;
            if (request.Headers.TryGetValue("Access-Control-Request-Headers", out var asked))
            {
                headers.AccessControlAllowHeaders = asked;
            }

            headers.AccessControlMaxAge = "86400";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}
