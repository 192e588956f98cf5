using System.Net;

namespace RealtimeAdapters.Emulator.Tests.Hosting;

/// <summary>Pages from another origin can call both front ends' REST endpoints, as browsers require (CORS, one middleware with a policy per front end: <c>BrowserAccess</c>).</summary>
public sealed class BrowserAccessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Preflight_FromAnotherOrigin_IsAllowedWithTheAskedHeaders_OnBothFrontEnds()
    {
        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 }, Ably = { Enabled = true, Port = 0 } }, Ct);
        using var http = new HttpClient();
        // Ably names the origin; Firebase answers "*", as the service does.
        foreach (var (url, allowed) in new[] { (new Uri(emulator.AblyUrl, "keys/x/requestToken"), "http://127.0.0.1:5080"), (new Uri(emulator.FirebaseUrl, "a.json"), "*") })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, url);
            preflight.Headers.Add("Origin", "http://127.0.0.1:5080");
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "content-type, x-ably-version");
            using var response = await http.SendAsync(preflight, Ct);

            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal(allowed, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
            Assert.Contains("POST", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
            Assert.Equal("content-type, x-ably-version", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Headers")));
        }
    }

    [Fact]
    public async Task Request_WithAnOrigin_IsAnsweredWithAllowOrigin_AndWithoutOneNothingChanges()
    {
        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } }, Ct);
        using var http = new HttpClient();
        using var cross = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.AblyUrl, "time"));
        cross.Headers.Add("Origin", "http://localhost:3000");
        using var answered = await http.SendAsync(cross, Ct);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("http://localhost:3000", Assert.Single(answered.Headers.GetValues("Access-Control-Allow-Origin")));

        // ably-js sends its XHRs withCredentials: the service answers with the origin (never "*") and allows them.
        Assert.Equal("true", Assert.Single(answered.Headers.GetValues("Access-Control-Allow-Credentials")));

        using var plain = await http.GetAsync(new Uri(emulator.AblyUrl, "time"), Ct);
        Assert.False(plain.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ErrorResponses_KeepTheCrossOriginHeaders_SoAPageCanReadTheError()
    {
        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 }, Ably = { Enabled = true, Port = 0 } }, Ct);
        using var http = new HttpClient();

        // Ably: a request with a key that does not exist (401 with X-Ably-ErrorCode, readable from the page).
        using var ably = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.AblyUrl, "channels/x/messages"));
        ably.Headers.Add("Origin", "http://localhost:3000");
        ably.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("no.such:key"u8.ToArray()));
        using var ablyError = await http.SendAsync(ably, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, ablyError.StatusCode);
        Assert.Equal("http://localhost:3000", Assert.Single(ablyError.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("X-Ably-ErrorCode", Assert.Single(ablyError.Headers.GetValues("Access-Control-Expose-Headers")), StringComparison.Ordinal);

        // Firebase: a path that is not valid (400 with an error body).
        using var firebase = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.FirebaseUrl, "a/.b.json"));
        firebase.Headers.Add("Origin", "http://localhost:3000");
        using var firebaseError = await http.SendAsync(firebase, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, firebaseError.StatusCode);
        Assert.Equal("*", Assert.Single(firebaseError.Headers.GetValues("Access-Control-Allow-Origin")));
    }
}
