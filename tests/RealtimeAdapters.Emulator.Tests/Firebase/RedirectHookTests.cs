using System.Net;
using RealtimeAdapters.Emulator.Tests.Infrastructure;

namespace RealtimeAdapters.Emulator.Tests.Firebase;

/// <summary>The 307 test hook: the next N requests of a namespace are redirected to an alias without their credential.</summary>
public class RedirectHookTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpClient NoRedirects(RealtimeEmulator emulator) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = emulator.FirebaseUrl };

    [Fact]
    public async Task Put_Redirected_Answers307ToAliasWithoutCredentialKeepingOtherParameters()
    {
        await using var host = await EmulatorHost.StartAsync();
        host.Emulator.RedirectFirebaseRequests(1, "other");
        using var http = NoRedirects(host.Emulator);

        using var response = await http.PutAsync("/a/b.json?ns=other&auth=tok3n&print=silent", new StringContent("1"), Ct);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.True(location.IsAbsoluteUri);
        Assert.Equal(host.Emulator.FirebaseUrl.Authority, location.Authority);
        Assert.Equal("/.redirected/a/b.json", location.AbsolutePath);
        Assert.Equal("?ns=other&print=silent", location.Query);
        Assert.Equal("null", host.Emulator.GetFirebaseDatabase("other").Get("a").ToJsonString());

        // The alias serves the same resource; the redirect was used up.
        using var followed = await http.PutAsync(new Uri(location + "&access_token=owner"), new StringContent("2"), Ct);
        Assert.Equal(HttpStatusCode.NoContent, followed.StatusCode);
        Assert.Equal("2", host.Emulator.GetFirebaseDatabase("other").Get("a/b").ToJsonString());
        Assert.Equal(1, host.Emulator.FirebaseRedirectsFollowed);
    }

    [Fact]
    public async Task Requests_OfOtherNamespaces_AreNotRedirected()
    {
        await using var host = await EmulatorHost.StartAsync();
        host.Emulator.RedirectFirebaseRequests(1, "other");
        using var http = NoRedirects(host.Emulator);
        using var response = await http.GetAsync("/a.json", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var redirected = await http.GetAsync("/a.json?ns=other", Ct);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
        using var after = await http.GetAsync("/a.json?ns=other", Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Stream_Redirected_Answers307AndAliasServesTheStream()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/s", "1");
        host.Emulator.RedirectFirebaseRequests(1);
        using var http = NoRedirects(host.Emulator);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/s.json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);

        await using var stream = await host.OpenStreamAsync(response.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, stream.Status);
        var first = await stream.NextDataAsync();
        Assert.Equal("put", first.Event);
        Assert.Equal(1, host.Emulator.FirebaseRedirectsFollowed);
    }

    [Fact]
    public async Task RedirectFirebaseRequests_NegativeCount_Throws()
    {
        await using var host = await EmulatorHost.StartAsync();
        Assert.Throws<ArgumentOutOfRangeException>(() => host.Emulator.RedirectFirebaseRequests(-1));
    }
}
