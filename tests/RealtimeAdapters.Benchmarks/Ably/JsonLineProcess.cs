using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace RealtimeAdapters.Benchmarks.Ably;

/// <summary>
/// A child process spoken to in lines (the emulator's ready line; bench.mjs's JSON commands and replies), killed on
/// dispose if it does not exit when its stdin closes or it gets SIGTERM.
/// </summary>
internal sealed class JsonLineProcess : IAsyncDisposable
{
    private const string InstallHint = "Run `npm ci --prefix tests/interop` (CI does this before `dotnet test`).";

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private JsonLineProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>The repository root (the directory holding Adapters.sln above the program).</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Adapters.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"Adapters.sln not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>node on PATH and tests/interop/peer/<paramref name="script"/>, with the install hint when either is missing.</summary>
    public static (string Node, string Script) LocateNode(string script)
    {
        var interop = Path.Combine(RepositoryRoot(), "tests", "interop");
        if (!File.Exists(Path.Combine(interop, "node_modules", "ably", "package.json")))
        {
            throw new InvalidOperationException($"ably-js is not installed in {interop}/node_modules. {InstallHint}");
        }

        var names = OperatingSystem.IsWindows() ? new[] { "node.exe", "node.cmd" } : ["node"];
        var node = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(d => names.Select(n => Path.Combine(d, n)))
            .FirstOrDefault(File.Exists);
        return node is null
            ? throw new InvalidOperationException($"node was not found on PATH (Node.js 20 or later is needed). {InstallHint}")
            : (node, Path.Combine(interop, "peer", script));
    }

    public static JsonLineProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? [])
        {
            info.Environment[name] = value;
        }

        return new JsonLineProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}."));
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The next stdout line, or an error naming the process and its stderr when it ended or took too long.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        string? line;
        try
        {
            line = await _process.StandardOutput.ReadLineAsync().WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{_process.StartInfo.FileName}: no output within {timeout}. stderr: {StandardError}");
        }

        return line ?? throw new InvalidOperationException($"{_process.StartInfo.FileName} exited ({(_process.HasExited ? _process.ExitCode : -1)}). stderr: {StandardError}");
    }

    /// <summary>Writes a JSON command line and returns the JSON reply line, failing on <c>"ok": false</c>.</summary>
    /// <summary>Writes one line to the process's standard input.</summary>
    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
    }

    public async Task<JsonElement> SendAsync(string command, TimeSpan timeout)
    {
        await _process.StandardInput.WriteLineAsync(command).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        var reply = JsonDocument.Parse(await ReadLineAsync(timeout).ConfigureAwait(false)).RootElement;
        return reply.GetProperty("ok").GetBoolean()
            ? reply
            : throw new InvalidOperationException($"{_process.StartInfo.FileName}: {command} failed: {reply.GetProperty("error")}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            if (!OperatingSystem.IsWindows() && !_process.HasExited)
            {
                // The emulator stops on SIGTERM; node exits when its stdin closes.
                using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync().ConfigureAwait(false);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        _process.Dispose();
    }
}
