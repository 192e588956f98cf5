using System.Net;
using RealtimeAdapters.Firebase.Internal;

namespace RealtimeAdapters.Firebase.Tests;

/// <summary>Redirects are followed with the credential only to the same host over https (plain http only on loopback).</summary>
public sealed class FirebaseRedirectSafetyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("https://db.example.com/a.json", "https://db.example.com/b.json", true)]
    [InlineData("http://127.0.0.1:9000/a.json", "http://127.0.0.1:9000/b.json", true)]
    [InlineData("https://db.example.com/a.json", "https://evil.example.net/a.json", false)]
    [InlineData("https://db.example.com/a.json", "http://db.example.com/a.json", false)]
    [InlineData("https://db.example.com/a.json", "https://db.example.com:8443/a.json", false)]
    [InlineData("http://127.0.0.1:9000/a.json", "http://10.0.0.5:9000/a.json", false)]
    public void IsSafeRedirect_HostSchemeAndPort_Decide(string from, string to, bool safe) =>
        Assert.Equal(safe, FirebaseHttp.IsSafeRedirect(new Uri(from), new Uri(to)));

    [Fact]
    public async Task GetAsync_RedirectToAnotherHost_NotFollowedAndTheCredentialNeverSent()
    {
        using var handler = new RedirectingHandler(new Uri("https://evil.example.net/steal.json"));
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = new Uri("https://db.example.com/"),
            DatabaseSecret = "top-secret-value",
            HttpMessageHandler = handler,
            MaxRequestRetries = 0,
        });

        var ex = await Assert.ThrowsAnyAsync<RealtimeException>(() => store.GetAsync("x", Ct).AsTask());

        Assert.Equal("unsafe_redirect", ex.ErrorCode);
        Assert.DoesNotContain("top-secret-value", ex.Message, StringComparison.Ordinal);
        Assert.All(handler.Requests, r => Assert.Equal("db.example.com", r.Host));
        Assert.Single(handler.Requests);
    }

    private sealed class RedirectingHandler(Uri location) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            var response = new HttpResponseMessage(HttpStatusCode.TemporaryRedirect);
            response.Headers.Location = location;
            return Task.FromResult(response);
        }
    }
}
