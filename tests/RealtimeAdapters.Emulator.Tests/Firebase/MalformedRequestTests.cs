using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using RealtimeAdapters.Emulator.Tests.Infrastructure;

namespace RealtimeAdapters.Emulator.Tests.Firebase;

/// <summary>Inputs found by fuzzing the Firebase front end: each is answered (or dropped) cleanly and nothing else is disturbed.</summary>
public sealed class MalformedRequestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Put_ClientResetsMidBody_LoggedAtDebugNotAsAnErrorOrA500()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        await using var host = await EmulatorHost.StartAsync(o => o.LoggerFactory = factory);
        var done = logs.WaitForAsync(e => e.EventId.Id == 3 && e.Message.Contains("/reset-mid-body", StringComparison.Ordinal));

        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(host.Emulator.FirebaseUrl.Host, host.Emulator.FirebaseUrl.Port, Ct);
            // "Expect: 100-continue" makes the server say when the handler starts reading the body: the reset then comes
            // in the middle of the read, not before the request was even parsed.
            var head = $"PUT /reset-mid-body.json HTTP/1.1\r\nHost: {host.Emulator.FirebaseUrl.Authority}\r\nContent-Type: application/json\r\n" +
                       "Content-Length: 1000000\r\nExpect: 100-continue\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), Ct);
            var interim = new byte[64];
            var read = await socket.ReceiveAsync(interim, Ct).AsTask().WaitAsync(EmulatorHost.Timeout, Ct);
            Assert.StartsWith("HTTP/1.1 100", Encoding.ASCII.GetString(interim, 0, read), StringComparison.Ordinal);
            await socket.SendAsync(Encoding.ASCII.GetBytes("{\"a\":\"" + new string('x', 10_000)), Ct);

            // A zero linger time makes closing send a reset, as a client that crashes or loses its network would.
            socket.LingerState = new LingerOption(true, 0);
        }

        var request = await done.WaitAsync(EmulatorHost.Timeout, Ct);

        // The emulator's own log only: Kestrel itself may log an error when it drains the body of such a request
        // (dotnet/aspnetcore#17840, "the body reader is in an invalid state").
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning && e.Category.StartsWith("RealtimeAdapters.", StringComparison.Ordinal));
        Assert.EndsWith("-> 499", request.Message, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("went away", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/after.json", "1")).Status);
    }

    [Theory]
    [InlineData("/a.json?print=pretty;auth=SECRET-VALUE")]
    [InlineData("/a.json?timeout=1s;auth=SECRET-VALUE")]
    [InlineData("/a.json?orderBy=%22a%22&limitToFirst=1;auth=SECRET-VALUE")]
    [InlineData("/a.json?writeSizeLimit=tiny;auth=SECRET-VALUE")]
    public async Task Request_InvalidParameterValue_400WithoutEchoingIt(string pathAndQuery)
    {
        await using var host = await EmulatorHost.StartAsync();

        var reply = await host.GetAsync(pathAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.DoesNotContain("SECRET", reply.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x;auth=SECRET-VALUE")]
    [InlineData("bad ns with spaces SECRET-VALUE")]
    [InlineData("SECRET-VALUE/../other")]
    public async Task Request_InvalidNamespace_400WithoutEchoingIt(string ns)
    {
        await using var host = await EmulatorHost.StartAsync();

        var reply = await host.GetAsync("/a.json?ns=" + Uri.EscapeDataString(ns));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("ns parameter", reply.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", reply.Body, StringComparison.Ordinal);
    }
}
