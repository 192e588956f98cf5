using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace RealtimeAdapters.Monitoring.Tests;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c> package) on a free loopback port with a temporary storage directory,
/// scraping the given targets every second; killed and its directory deleted on dispose. Without the binary a test
/// skips with the reason, unless <c>REALTIME_REQUIRE_PROMETHEUS=1</c> (CI, which installs it), where it fails.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string directory, StringBuilder output, Uri url)
    {
        _process = process;
        _directory = directory;
        _output = output;
        Url = url;
        _http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
    }

    public static bool Required => Environment.GetEnvironmentVariable("REALTIME_REQUIRE_PROMETHEUS") == "1";

    public Uri Url { get; }

    /// <summary>What the server wrote on its standard output and error so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Skips the calling test when Prometheus is not installed, or fails it when it is required.</summary>
    public static void SkipUnlessInstalled()
    {
        if (File.Exists(ExecutablePath))
        {
            return;
        }

        const string reason = $"{ExecutablePath} is not installed (apt-get install prometheus); the monitoring test needs a real Prometheus.";
        if (Required)
        {
            Assert.Fail(reason + " REALTIME_REQUIRE_PROMETHEUS=1 makes this a failure.");
        }

        Assert.Skip(reason);
    }

    /// <summary>Starts Prometheus with jobs scraping <paramref name="jobs"/> (job name → <c>host:port</c>) every second, and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(IReadOnlyDictionary<string, string> jobs, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("realtime-prometheus-").FullName;
        var config = new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n");
        foreach (var (job, target) in jobs)
        {
            config.Append(CultureInfo.InvariantCulture, $"  - job_name: \"{job}\"\n    static_configs:\n      - targets: [\"{target}\"]\n");
        }

        var configFile = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, config.ToString(), cancellationToken);
        var port = FreePort();
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in (string[])[
            $"--config.file={configFile}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn"])
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, output, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await server.WaitUntilReadyAsync(timeout, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>An instant query (<c>/api/v1/query</c>): the result vector, or the error Prometheus gives for a bad expression.</summary>
    /// <exception cref="InvalidOperationException">Prometheus answered with an error (the message carries it).</exception>
    public async Task<JsonElement> QueryAsync(string expression, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri("api/v1/query?query=" + Uri.EscapeDataString(expression), UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        using var json = JsonDocument.Parse(body);
        if (json.RootElement.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus refused \"{expression}\": {body}");
        }

        return json.RootElement.GetProperty("data").GetProperty("result").Clone();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temporary directory is left to the system.
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Polls /-/ready (an external server: there is no event to wait on) until it answers 200 or the deadline passes.
    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Prometheus exited with code {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await _http.GetAsync(new Uri("-/ready", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"Prometheus was not ready within {timeout}:\n{Output}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }
}
