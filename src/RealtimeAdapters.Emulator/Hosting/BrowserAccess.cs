using Microsoft.AspNetCore.Http;

namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// Cross-origin access for pages served from elsewhere (a web app on another port), as each service allows it; one
/// middleware for both front ends, with a policy per front end (<see cref="Firebase"/>, <see cref="Ably"/>). A preflight
/// (<c>OPTIONS</c>) is answered at once with the methods and the headers it asks for. Without it a browser SDK cannot call
/// the REST endpoints (Firebase reads and writes; Ably's token exchange, history).
/// </summary>
internal static class BrowserAccess
{
    private const string Methods = "GET, PUT, POST, PATCH, DELETE, OPTIONS";

    /// <summary>
    /// Firebase: <c>Access-Control-Allow-Origin: *</c> on every response, no credentials (the REST API takes its
    /// credential in the query or the <c>Authorization</c> header), and any <c>OPTIONS</c> is a preflight.
    /// </summary>
    public static readonly Policy Firebase = new(
        AnyOrigin: true,
        ExposeHeaders: "ETag",
        DefaultAllowHeaders: "Authorization, Content-Type, X-Firebase-ETag, X-Firebase-Decoding, X-HTTP-Method-Override, if-match, if-none-match");

    /// <summary>
    /// Ably: a request carrying <c>Origin</c> is answered for that origin, with <c>Access-Control-Allow-Credentials: true</c>
    /// as the service sends it (ably-js makes its requests with <c>withCredentials</c>; the emulator sets no cookies, so this
    /// grants nothing beyond the headers a request carries); a preflight is an <c>OPTIONS</c> with
    /// <c>Access-Control-Request-Method</c>.
    /// </summary>
    public static readonly Policy Ably = new(
        AnyOrigin: false,
        ExposeHeaders: "Content-Type, ETag, X-Ably-ErrorCode, X-Ably-ErrorMessage, Link",
        DefaultAllowHeaders: null);

    /// <summary>The middleware for one front end.</summary>
    public static Func<HttpContext, RequestDelegate, Task> For(Policy policy) => (context, next) => HandleAsync(policy, context, next);

    private static Task HandleAsync(Policy policy, HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var hasOrigin = request.Headers.TryGetValue("Origin", out var origin) && origin.Count == 1;
        if (!policy.AnyOrigin && !hasOrigin)
        {
            return next(context);
        }

        if (HttpMethods.IsOptions(request.Method) && (policy.AnyOrigin || request.Headers.ContainsKey("Access-Control-Request-Method")))
        {
            var headers = context.Response.Headers;
            Allow(policy, headers, origin);
            headers.AccessControlAllowMethods = Methods;
            if (request.Headers.TryGetValue("Access-Control-Request-Headers", out var asked))
            {
                headers.AccessControlAllowHeaders = asked;
            }
            else if (policy.DefaultAllowHeaders is { } defaults)
            {
                headers.AccessControlAllowHeaders = defaults;
            }

            headers.AccessControlMaxAge = "86400";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        // Set as the response starts, so that the front ends' error paths (which clear the headers) keep them: a page
        // must be able to read an error (401, 404...) as well as a success.
        context.Response.OnStarting(() =>
        {
            Allow(policy, context.Response.Headers, origin);
            return Task.CompletedTask;
        });
        return next(context);
    }

    private static void Allow(Policy policy, IHeaderDictionary headers, Microsoft.Extensions.Primitives.StringValues origin)
    {
        if (policy.AnyOrigin)
        {
            headers.AccessControlAllowOrigin = "*";
        }
        else
        {
            headers.AccessControlAllowOrigin = origin;
            headers.Vary = "Origin";
            headers.AccessControlAllowCredentials = "true";
        }

        headers.AccessControlExposeHeaders = policy.ExposeHeaders;
    }

    /// <summary>How a front end answers cross-origin requests.</summary>
    /// <param name="AnyOrigin"><c>*</c> on every response (no credentials), rather than the request's origin echoed with credentials.</param>
    /// <param name="ExposeHeaders">The response headers a page may read.</param>
    /// <param name="DefaultAllowHeaders">The request headers allowed when a preflight does not list them.</param>
    internal sealed record Policy(bool AnyOrigin, string ExposeHeaders, string? DefaultAllowHeaders);
}
