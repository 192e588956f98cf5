using System.Net;
using RealtimeAdapters.Emulator.Tests.Infrastructure;

namespace RealtimeAdapters.Emulator.Tests.Firebase;

public class ConditionalRequestTests
{
    private static void WantETag(HttpRequestMessage r) => r.Headers.Add("X-Firebase-ETag", "true");

    private static Action<HttpRequestMessage> IfMatch(string etag) => r => r.Headers.TryAddWithoutValidation("if-match", etag);

    [Fact]
    public async Task Get_WithETagHeader_ETagFollowsValue()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/c", "1");
        var first = await host.GetAsync("/c.json", WantETag);
        Assert.False(string.IsNullOrEmpty(first.ETag));
        Assert.Equal(first.ETag, (await host.GetAsync("/c.json", WantETag)).ETag);
        await host.SeedAsync("/c", "2");
        Assert.NotEqual(first.ETag, (await host.GetAsync("/c.json", WantETag)).ETag);
        Assert.Null((await host.GetAsync("/c.json")).ETag);
    }

    [Fact]
    public async Task Get_ETag_PriorityChangeIsAChange()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/c", """{"x":1}""");
        var before = (await host.GetAsync("/c.json", WantETag)).ETag;
        await host.PutAsync("/c/.priority.json", "1");
        Assert.NotEqual(before, (await host.GetAsync("/c.json", WantETag)).ETag);
    }

    [Fact]
    public async Task PutIfMatch_Current_WritesAndReturnsNewETag()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/c", "1");
        var etag = (await host.GetAsync("/c.json", WantETag)).ETag!;
        var put = await host.PutAsync("/c.json", "2", IfMatch(etag));
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("2", put.Body);
        Assert.Equal((await host.GetAsync("/c.json", WantETag)).ETag, put.ETag);
        Assert.NotEqual(etag, put.ETag);
    }

    [Fact]
    public async Task PutIfMatch_Stale_412WithCurrentValueAndETag_NothingWritten()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/c", """{"n":1}""");
        var stale = (await host.GetAsync("/c.json", WantETag)).ETag!;
        await host.SeedAsync("/c", """{"n":2}""");
        var put = await host.PutAsync("/c.json", """{"n":99}""", IfMatch(stale));
        Assert.Equal(HttpStatusCode.PreconditionFailed, put.Status);
        Assert.Equal("""{"n":2}""", put.Body);
        Assert.Equal((await host.GetAsync("/c.json", WantETag)).ETag, put.ETag);
        Assert.Equal("""{"n":2}""", (await host.GetAsync("/c.json")).Body);

        var retry = await host.PutAsync("/c.json", """{"n":3}""", IfMatch(put.ETag!));
        Assert.Equal(HttpStatusCode.OK, retry.Status);
    }

    [Fact]
    public async Task PutIfMatch_NullETag_CreatesOnlyIfAbsent()
    {
        await using var host = await EmulatorHost.StartAsync();
        var etag = (await host.GetAsync("/new.json", WantETag)).ETag!;
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/new.json", "1", IfMatch(etag))).Status);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await host.PutAsync("/new.json", "2", IfMatch(etag))).Status);
    }

    [Fact]
    public async Task DeleteIfMatch_Stale412_Current200()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/c", "1");
        var etag = (await host.GetAsync("/c.json", WantETag)).ETag!;
        await host.SeedAsync("/c", "2");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await host.DeleteAsync("/c.json", IfMatch(etag))).Status);
        var current = (await host.GetAsync("/c.json", WantETag)).ETag!;
        Assert.Equal(HttpStatusCode.OK, (await host.DeleteAsync("/c.json", IfMatch(current))).Status);
        Assert.Equal("null", (await host.GetAsync("/c.json")).Body);
    }

    [Fact]
    public async Task GetIfNoneMatch_Unchanged304_Changed200()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/c", "1");
        var etag = (await host.GetAsync("/c.json", WantETag)).ETag!;
        var unchanged = await host.GetAsync("/c.json", r => r.Headers.TryAddWithoutValidation("if-none-match", etag));
        Assert.Equal(HttpStatusCode.NotModified, unchanged.Status);
        await host.SeedAsync("/c", "2");
        var changed = await host.GetAsync("/c.json", r => r.Headers.TryAddWithoutValidation("if-none-match", etag));
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Equal("2", changed.Body);
    }

    [Fact]
    public async Task Transaction_ConcurrentIncrementsViaIfMatch_NoLostUpdates()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/counter", "0");
        async Task IncrementAsync()
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var read = await host.GetAsync("/counter.json", WantETag);
                var next = read.Json.GetInt32() + 1;
                var put = await host.PutAsync("/counter.json", next.ToString(System.Globalization.CultureInfo.InvariantCulture), IfMatch(read.ETag!));
                if (put.Status == HttpStatusCode.OK)
                {
                    return;
                }

                Assert.Equal(HttpStatusCode.PreconditionFailed, put.Status);
            }

            Assert.Fail("too many conflicts");
        }

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(IncrementAsync)));
        Assert.Equal("10", (await host.GetAsync("/counter.json")).Body);
    }
}
