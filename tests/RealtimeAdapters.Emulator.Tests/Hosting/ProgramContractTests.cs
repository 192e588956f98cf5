using System.Diagnostics;
using System.Net;

namespace RealtimeAdapters.Emulator.Tests.Hosting;

/// <summary>The command-line contract: start on port 0, print one ready line, serve, stop on SIGTERM with exit code 0.</summary>
public class ProgramContractTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Main_Port0_PrintsReadyLineServesAndExitsZeroOnSigterm()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGTERM is POSIX.");
        using var process = StartEmulator("--firebase-port", "0");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeout, TestContext.Current.CancellationToken);
            Assert.NotNull(line);
            Assert.Matches(@"^firebase listening on http://127\.0\.0\.1:\d+$", line);
            var url = new Uri(line["firebase listening on ".Length..]);
            Assert.NotEqual(0, url.Port);

            using var http = new HttpClient { BaseAddress = url };
            using var put = await http.PutAsync("/hello.json", new StringContent("\"world\""), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal("\"world\"", await http.GetStringAsync("/hello.json", TestContext.Current.CancellationToken));

            Assert.Equal(0, Kill(process.Id, 15));
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
            Assert.Equal(0, process.ExitCode);
            Assert.Equal(string.Empty, await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken));
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
    public async Task Main_Sigint_ExitsZero()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is POSIX.");

        // A process started in the background by a non-interactive shell inherits SIGINT ignored, and the runtime rightly
        // leaves it so: the emulator then cannot be interrupted, as any program started that way.
        Assert.SkipWhen(SigintIgnored(), "SIGINT is ignored in this test run (started as a background job), so the emulator inherits that.");
        using var process = StartEmulator("--firebase-port", "0");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeout, TestContext.Current.CancellationToken);
            Assert.StartsWith("firebase listening on ", line, StringComparison.Ordinal);
            Assert.Equal(0, Kill(process.Id, 2));
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
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
    public async Task Main_UnknownOption_ExitsTwoWithUsageOnStandardError()
    {
        using var process = StartEmulator("--firebase-port", "0", "--no-such-option");
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(2, process.ExitCode);
        var error = await stderr;
        Assert.Contains("Unknown option --no-such-option", error, StringComparison.Ordinal);
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Main_Help_PrintsUsageAndExitsZero()
    {
        using var process = StartEmulator("--help");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("--firebase-rules FILE", await stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_BadRulesFile_ExitsOneWithMessage()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "{\"rules\": {\".read\": \"nonsense(\"}}", TestContext.Current.CancellationToken);
            using var process = StartEmulator("--firebase-port", "0", "--firebase-rules", file);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
            Assert.Equal(1, process.ExitCode);
            Assert.Contains("Error parsing rules at /rules/.read", await stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Process StartEmulator(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "RealtimeAdapters.Emulator.dll");
        Assert.True(File.Exists(dll), $"Emulator not found at {dll}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    // Linux lists the ignored signals in /proc/<pid>/status (SigIgn, a hex mask; SIGINT is bit 1).
    private static bool SigintIgnored() =>
        OperatingSystem.IsLinux() &&
        File.ReadLines("/proc/self/status").FirstOrDefault(static l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) is { } line &&
        (ulong.Parse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) & 0x2) != 0;

    private static int Kill(int pid, int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
