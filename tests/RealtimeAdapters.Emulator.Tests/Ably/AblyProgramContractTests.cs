using System.Diagnostics;
using System.Net;

namespace RealtimeAdapters.Emulator.Tests.Ably;

/// <summary>The command line with the Ably front end: ready line with the first key, both protocols side by side, SIGTERM.</summary>
public class AblyProgramContractTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Main_AblyAndFirebase_PrintsBothReadyLinesAndServes()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGTERM is POSIX.");
        using var process = Start("--ably-port", "0", "--firebase-port", "0", "--ably-key", "cli.first:s3cret", "--ably-key", "cli.second:other={\"*\":[\"subscribe\"]}");
        try
        {
            var ct = TestContext.Current.CancellationToken;
            var firebase = await process.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(Timeout, ct);
            var ably = await process.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(Timeout, ct);
            Assert.StartsWith("firebase listening on http://127.0.0.1:", firebase, StringComparison.Ordinal);
            Assert.NotNull(ably);
            Assert.Matches(@"^ably listening on http://127\.0\.0\.1:\d+ key cli\.first:s3cret$", ably);

            var url = new Uri(ably.Split(' ')[3]);
            using var http = new HttpClient { BaseAddress = url };
            using var time = await http.GetAsync(new Uri("/time", UriKind.Relative), ct);
            Assert.Equal(HttpStatusCode.OK, time.StatusCode);

            using var kill = Process.Start("kill", ["-15", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync(ct);
            await process.WaitForExitAsync(ct).WaitAsync(Timeout, ct);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task Main_BadAblyKey_ExitsTwo()
    {
        using var process = Start("--ably-port", "0", "--ably-key", "not-a-key");
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--ably-key", await stderr, StringComparison.Ordinal);
    }

    private static Process Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "RealtimeAdapters.Emulator.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }
}
