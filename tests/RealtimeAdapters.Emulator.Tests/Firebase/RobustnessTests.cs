using System.Net;
using System.Net.Sockets;
using System.Text;
using RealtimeAdapters.Emulator.Tests.Infrastructure;

namespace RealtimeAdapters.Emulator.Tests.Firebase;

public class RobustnessTests
{
    [Theory]
    [InlineData("{")]
    [InlineData("[1,")]
    [InlineData("tru")]
    [InlineData("\"unterminated")]
    [InlineData("""{"a":1} garbage""")]
    [InlineData("""{"a":1}{"b":2}""")]
    [InlineData("NaN")]
    [InlineData("{'single':1}")]
    [InlineData("""{"a":01}""")]
    [InlineData("""["\ud800"]""")]
    public async Task Put_MalformedJson_400InvalidData(string body)
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.PutAsync("/m.json", body);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("Invalid data; couldn't parse JSON object, array, or value.", reply.Error);
        Assert.Equal("null", (await host.GetAsync("/m.json")).Body);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    public async Task Put_EmptyBody_400NoData(string body)
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.PutAsync("/m.json", body);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("No data supplied.", reply.Error);
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("""{"a":{"b.c":1}}""")]
    [InlineData("""{".value":{"a":1}}""")]
    [InlineData("""{"a":1,".value":2}""")]
    [InlineData("""{".priority":true,"a":1}""")]
    public async Task Put_InvalidData_400NamingTheProblem(string body)
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.PutAsync("/m.json", body);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.StartsWith("Invalid data", reply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_TooDeepJson_400()
    {
        await using var host = await EmulatorHost.StartAsync();
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 40);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PutAsync("/m.json", deep)).Status);
        var veryDeep = new string('[', 100_000) + new string(']', 100_000);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PutAsync("/m.json", veryDeep)).Status);
    }

    [Theory]
    [InlineData(new byte[] { 0x22, 0xFF, 0xFE, 0x22 })]
    [InlineData(new byte[] { 0x22, 0xC3, 0x22 })]
    [InlineData(new byte[] { 0x22, 0xED, 0xA0, 0x80, 0x22 })]
    [InlineData(new byte[] { 0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D })]
    public async Task Put_InvalidUtf8_400(byte[] body)
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.SendAsync(HttpMethod.Put, "/m.json", body);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("Invalid data; couldn't parse JSON object, array, or value.", reply.Error);
    }

    [Fact]
    public async Task Put_Utf8Bom_Accepted_NonAsciiPreserved()
    {
        await using var host = await EmulatorHost.StartAsync();
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("\"héllo 🌍\"")).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Put, "/m.json", body)).Status);
        var get = await host.GetAsync("/m.json");
        Assert.Equal("héllo 🌍", get.Json.GetString());
        Assert.Contains("héllo", get.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_OversizedBody_400_WithAndWithoutContentLength()
    {
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.MaxRequestBodySize = 1024);
        var big = "\"" + new string('x', 2000) + "\"";
        var reply = await host.PutAsync("/m.json", big);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("too large", reply.Error, StringComparison.Ordinal);

        var chunked = await host.SendAsync(HttpMethod.Put, "/m.json", (byte[]?)null, r =>
        {
            r.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
            r.Headers.TransferEncodingChunked = true;
        });
        Assert.Equal(HttpStatusCode.BadRequest, chunked.Status);
        Assert.Contains("too large", chunked.Error, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/m.json", "\"" + new string('x', 1000) + "\"")).Status);
    }

    [Fact]
    public async Task Put_DefaultLimitIs256MB()
    {
        await using var host = await EmulatorHost.StartAsync();
        Assert.Equal(256L * 1024 * 1024, host.Emulator.Options.Firebase.MaxRequestBodySize);
        var reply = await host.SendAsync(HttpMethod.Put, "/m.json", (byte[]?)null, r =>
        {
            r.Content = new ByteArrayContent([]);
            r.Content.Headers.ContentLength = (256L * 1024 * 1024) + 1;
        }).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);

        // The server refuses from the declared length without reading the body (the client may see the reset instead).
        if (reply is not null)
        {
            Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        }

        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/m.json")).Status);
    }

    [Theory]
    [InlineData("/a%C3.json")]
    [InlineData("/a%FF%FE.json")]
    [InlineData("/a.json?orderBy=%22%C3%22&limitToFirst=1")]
    public async Task BadEncoding_400(string url)
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.StartsWith("Invalid URL", reply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadRequests_DoNotDisturbOtherClientsStreamsOrData()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/shared", """{"n":1}""");
        await using var stream = await host.OpenStreamAsync("/shared.json");
        await stream.NextAsync();

        var bad = new Func<Task<Reply>>[]
        {
            () => host.PutAsync("/shared.json", "{broken"),
            () => host.PatchAsync("/shared.json", """{"n":2,"x.y":3}"""),
            () => host.SendAsync(HttpMethod.Put, "/shared.json", new byte[] { 0xFF }),
            () => host.GetAsync("/shared.json?orderBy=nope"),
            () => host.GetAsync("/shared.json?bogus=1"),
            () => host.PutAsync("/shared/a$b.json", "1"),
            () => host.GetAsync("/shared.json?auth=not-a-token"),
            () => host.PutAsync("/.settings/rules.json", "{nope", EmulatorHost.Owner),
        };
        foreach (var request in bad)
        {
            var reply = await request();
            Assert.True((int)reply.Status is 400 or 401, reply.ToString());
            Assert.NotEmpty(reply.Error);
        }

        // Raw garbage on a socket of its own.
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(host.Emulator.FirebaseUrl.Host, host.Emulator.FirebaseUrl.Port, TestContext.Current.CancellationToken);
            var net = socket.GetStream();
            await net.WriteAsync("THIS IS NOT HTTP\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
            var buffer = new byte[256];
            _ = await net.ReadAsync(buffer, TestContext.Current.CancellationToken).AsTask().WaitAsync(EmulatorHost.Timeout, TestContext.Current.CancellationToken);
        }

        await host.PutAsync("/shared/n.json", "2");
        Assert.Equal("put", (await stream.NextAsync()).Event);
        Assert.Equal(DataNode.Parse("""{"n":2}"""), stream.Cache);
        Assert.Equal("""{"n":2}""", (await host.GetAsync("/shared.json")).Body);
    }

    [Fact]
    public async Task ManyConcurrentWritersAndStreams_AllStreamsConvergeOnTheStoredValue()
    {
        await using var host = await EmulatorHost.StartAsync();
        var streams = new List<SseStream>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var stream = await host.OpenStreamAsync(i % 2 == 0 ? "/room.json" : "/.json");
                await stream.NextAsync();
                streams.Add(stream);
            }

            const int writers = 16;
            const int writesEach = 40;
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < writesEach; i++)
                {
                    var reply = (i % 3) switch
                    {
                        0 => await host.PutAsync($"/room/w{w}/last.json", i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        1 => await host.PatchAsync("/room.json", $$$"""{"w{{{w}}}/count":{".sv":{"increment":1}},"shared/w{{{w}}}":{{{i}}}}"""),
                        _ => await host.PostAsync($"/room/w{w}/log.json", $$"""{"i":{{i}}}"""),
                    };
                    Assert.Equal(HttpStatusCode.OK, reply.Status);
                }
            }, TestContext.Current.CancellationToken)));

            var final = (await host.GetAsync("/.json")).Node;
            for (var w = 0; w < writers; w++)
            {
                Assert.Equal(writesEach / 3 + (writesEach % 3 > 1 ? 1 : 0), final.GetAt($"room/w{w}/count").GetNumber());
                Assert.Equal(writesEach / 3 + (writesEach % 3 > 2 ? 1 : 0), final.GetAt($"room/w{w}/log").ChildCount);
            }

            for (var i = 0; i < streams.Count; i++)
            {
                await streams[i].WaitForCacheAsync(i % 2 == 0 ? final.GetAt("room") : final);
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task TruncatedBody_ConnectionDropped_ServerKeepsServingAndStoresNothing()
    {
        await using var host = await EmulatorHost.StartAsync();
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(host.Emulator.FirebaseUrl.Host, host.Emulator.FirebaseUrl.Port, TestContext.Current.CancellationToken);
            var request = "PUT /t.json HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":"u8.ToArray();
            await socket.GetStream().WriteAsync(request, TestContext.Current.CancellationToken);
        }

        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/other.json", "1")).Status);
        Assert.Equal("null", (await host.GetAsync("/t.json")).Body);
    }

    [Fact]
    public async Task ClientDisconnects_StreamResourcesReleased_ServerKeepsServing()
    {
        await using var host = await EmulatorHost.StartAsync();
        for (var i = 0; i < 50; i++)
        {
            await using var stream = await host.OpenStreamAsync("/x.json");
            await stream.NextAsync();
        }

        await host.PutAsync("/x.json", "1");
        await using var last = await host.OpenStreamAsync("/x.json");
        Assert.Equal(DataNode.FromNumber(1), (await last.NextAsync()).Value);
    }
}
