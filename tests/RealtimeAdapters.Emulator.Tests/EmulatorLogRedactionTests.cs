using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RealtimeAdapters.Emulator.Tests.Infrastructure;

namespace RealtimeAdapters.Emulator.Tests;

/// <summary>Credentials in request URLs (Firebase <c>auth=</c>, Ably <c>key=</c>) never reach the caller's logs.</summary>
public sealed class EmulatorLogRedactionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_WithCredentialsInQuery_AreNotLoggedWithThem()
    {
        var lines = new ConcurrentQueue<string>();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(lines)));
        await using (var emulator = await RealtimeEmulator.StartAsync(
            new EmulatorOptions { LoggerFactory = factory, Firebase = { Enabled = true, Port = 0 }, Ably = { Enabled = true, Port = 0 } }, Ct))
        {
            using var http = new HttpClient();
            using (await http.GetAsync(new Uri(emulator.FirebaseUrl, "a.json?auth=firebase-secret-value"), Ct))
            {
            }

            var key = emulator.AblyKeys[0];
            using (await http.GetAsync(new Uri(emulator.AblyUrl, "channels/x/messages?key=" + Uri.EscapeDataString(key)), Ct))
            {
            }
        }

        Assert.NotEmpty(lines);
        Assert.DoesNotContain(lines, l => l.Contains("firebase-secret-value", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(AblyEmulatorOptions.DefaultKey.Split(':')[1], StringComparison.Ordinal));
    }
}
