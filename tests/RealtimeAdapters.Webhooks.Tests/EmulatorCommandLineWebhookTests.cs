using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace RealtimeAdapters.Webhooks.Tests;

/// <summary>The emulator program's <c>--ably-webhook</c> option, run as a process.</summary>
public sealed class EmulatorCommandLineWebhookTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Main_AblyWebhookOption_RestPublishArrivesSigned()
    {
        await using var host = await InboundHost.StartAsync(null, Token);
        await using var messages = host.Receiver.SubscribeMessages("cli");
        using var process = Start("--ably-port", "0", "--ably-key", InboundHost.Key, "--ably-webhook", host.Url.ToString());
        try
        {
            var ready = await process.StandardOutput.ReadLineAsync(Token).AsTask().WaitAsync(Timeout, Token);
            Assert.StartsWith("ably listening on ", ready, StringComparison.Ordinal);
            var url = ready!["ably listening on ".Length..].Split(' ')[0];

            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, url + "/channels/cli/messages")
            {
                Content = new StringContent("""{"name":"from-cli","data":"hi"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(InboundHost.Key)));
            using var response = await http.SendAsync(request, Token);
            Assert.True(response.IsSuccessStatusCode, $"publish: {(int)response.StatusCode}");

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
            timeout.CancelAfter(Timeout);
            await using var e = messages.GetAsyncEnumerator(timeout.Token);
            Assert.True(await e.MoveNextAsync());
            Assert.Equal(("from-cli", "hi"), (e.Current.Name, e.Current.Data.AsString()));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Token);
        }
    }

    [Fact]
    public async Task Main_AblyWebhookKeyWithSecret_RefusedWithoutEchoingIt()
    {
        using var process = Start("--ably-port", "0", "--ably-webhook-key", "app.hooks:do-not-print");
        var stderr = process.StandardError.ReadToEndAsync(Token);
        await process.WaitForExitAsync(Token).WaitAsync(Timeout, Token);

        Assert.Equal(2, process.ExitCode);
        var text = await stderr;
        Assert.Contains("--ably-webhook-key", text, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-print", text, StringComparison.Ordinal);
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RealtimeAdapters.Emulator.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }
}
