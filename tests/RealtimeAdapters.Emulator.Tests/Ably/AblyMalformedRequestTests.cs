using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using RealtimeAdapters.Emulator.Tests.Infrastructure;

namespace RealtimeAdapters.Emulator.Tests.Ably;

/// <summary>
/// Inputs found by fuzzing the emulator: each gets a clear error with the service's code, and the emulator keeps serving
/// everyone else.
/// </summary>
public sealed class AblyMalformedRequestTests : IAsyncLifetime
{
    private const string Key = "fuzz.key:fuzz-secret";
    private RealtimeEmulator _emulator = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var options = new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } };
        options.Ably.Keys.Add(Key);
        _emulator = await RealtimeEmulator.StartAsync(options, Ct);
    }

    public async ValueTask DisposeAsync() => await _emulator.DisposeAsync();

    private HttpClient Rest()
    {
        var http = new HttpClient { BaseAddress = _emulator.AblyUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Key)));
        return http;
    }

    [Theory]
    [InlineData("/channels/fuzz/messages?start=99999999999999999", "start")]
    [InlineData("/channels/fuzz/messages?end=253402300800000", "end")]
    [InlineData("/channels/fuzz/messages?start=-62135596800001", "start")]
    [InlineData("/channels/fuzz/presence/history?end=253402300800000", "end")]
    [InlineData("/channels/fuzz/presence/history?start=99999999999999999", "start")]
    public async Task History_TimeOutOfRange_400With40003NamingTheParameter(string path, string parameter)
    {
        using var http = Rest();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("40003", response.Headers.GetValues("X-Ably-ErrorCode").Single());
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal(40003, error["code"]!.GetValue<int>());
        Assert.StartsWith(parameter + " ", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        using var ok = await http.GetAsync(new Uri("/channels/fuzz/messages?start=0&end=253402300799999", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Theory]
    [InlineData("99999999999999m")]
    [InlineData("99999999999999999s")]
    [InlineData("99999999999")]
    [InlineData("5h")]
    [InlineData("-1")]
    public async Task Attach_RewindOutOfRangeOrMalformed_ChannelErrorAndConnectionKept(string rewind)
    {
        await using var client = await AblyWireClient.ConnectAsync(_emulator.AblyUrl, $"key={AblyWireClient.Escape(Key)}&format=json&v=6&heartbeats=true");
        await client.ReceiveActionAsync(4);

        await client.SendAsync(new JsonObject { ["action"] = 10, ["channel"] = "rewound", ["params"] = new JsonObject { ["rewind"] = rewind } });
        var error = await client.ReceiveActionAsync(9);

        Assert.Equal("rewound", error["channel"]!.GetValue<string>());
        Assert.Equal(40003, error["error"]!["code"]!.GetValue<int>());
        Assert.Contains("rewind", error["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        await client.SendAsync("""{"action":10,"channel":"other","params":{"rewind":"2m"}}""");
        Assert.Equal("other", (await client.ReceiveActionAsync(11))["channel"]!.GetValue<string>());
        await client.SendAsync("""{"action":0,"id":"still-there"}""");
        Assert.Equal("still-there", (await client.ReceiveActionAsync(0))["id"]!.GetValue<string>());
    }

    public static TheoryData<string, byte, byte[], byte, bool, int> WebSocketViolations => new()
    {
        { "invalid UTF-8 in a text frame", 0x1, [0x7B, 0xC3, 0x28, 0x7D], 0, true, 1007 },
        { "a reserved bit without an extension", 0x1, "{}"u8.ToArray(), 0x40, true, 1002 },
        { "a reserved opcode", 0x3, "{}"u8.ToArray(), 0, true, 1002 },
        { "a ping longer than 125 bytes", 0x9, new byte[126], 0, true, 1002 },
    };

    [Theory]
    [MemberData(nameof(WebSocketViolations))]
    public async Task WebSocket_ProtocolViolation_ClosedWithTheRightStatusOthersServed(string violation, byte opcode, byte[] payload, byte extraBits, bool mask, int expected)
    {
        await using var bystander = await AblyWireClient.ConnectAsync(_emulator.AblyUrl, $"key={AblyWireClient.Escape(Key)}&format=json&v=6");
        await bystander.ReceiveActionAsync(4);
        using var raw = await RawWebSocket.ConnectAsync(_emulator.AblyUrl, $"/?key={AblyWireClient.Escape(Key)}&format=json&v=6", Ct);

        // Frames keep coming after the bad one, as from a client that streams: the server stops reading at the bad one.
        await raw.SendFrameAsync(opcode, payload, Ct, extraBits, mask);
        for (var i = 0; i < 20; i++)
        {
            await raw.SendFrameAsync(0x1, Encoding.UTF8.GetBytes("{\"action\":0,\"id\":\"" + new string('x', 2000) + "\"}"), Ct);
        }

        var status = await raw.ReadCloseStatusAsync(Ct);

        Assert.True(status == expected, $"{violation}: expected close status {expected}, got {status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no close frame"}");
        await bystander.SendAsync("""{"action":0,"id":"after"}""");
        Assert.Equal("after", (await bystander.ReceiveActionAsync(0))["id"]!.GetValue<string>());
    }
}
