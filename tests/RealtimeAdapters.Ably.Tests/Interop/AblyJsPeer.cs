using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RealtimeAdapters.Ably.Tests.Interop;

/// <summary>
/// The official ably-js SDK in a node child process (tests/interop/peer/peer.mjs), driven by JSON command lines on its
/// stdin; its replies and the events its clients see come back as JSON lines on stdout.
/// </summary>
public sealed class AblyJsPeer : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private const string InstallHint = "Run `npm ci --prefix tests/interop` (CI does this before `dotnet test`).";

    private readonly Process _process;
    private readonly Lock _sync = new();
    private readonly Dictionary<long, TaskCompletionSource<JsonElement>> _pending = [];
    private readonly List<JsonElement> _events = [];
    private readonly List<(Func<JsonElement, bool> Match, int Count, TaskCompletionSource<IReadOnlyList<JsonElement>> Done)> _waiters = [];
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;
    private long _nextId;

    private AblyJsPeer(Process process)
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
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>Starts the peer against an emulator's Ably front end and waits until it is ready.</summary>
    public static async Task<AblyJsPeer> StartAsync(Uri ablyUrl, string key)
    {
        var (node, script) = Locate();
        var info = new ProcessStartInfo(node)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(script)!,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(ablyUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add(key);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {node}.");
        var peer = new AblyJsPeer(process);
        try
        {
            await peer._ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }

        return peer;
    }

    /// <summary>Finds node on PATH and the peer script under the repository root; fails with the install hint if either is missing.</summary>
    public static (string Node, string Script) Locate()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Adapters.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"Adapters.sln not found above {AppContext.BaseDirectory}; the interop tests run from the repository.");
        }

        var interop = Path.Combine(root.FullName, "tests", "interop");
        var script = Path.Combine(interop, "peer", "peer.mjs");
        if (!File.Exists(Path.Combine(interop, "node_modules", "ably", "package.json")))
        {
            throw new InvalidOperationException($"ably-js is not installed in {interop}/node_modules. {InstallHint}");
        }

        var names = OperatingSystem.IsWindows() ? new[] { "node.exe", "node.cmd" } : ["node"];
        var node = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
        return node is null
            ? throw new InvalidOperationException($"node was not found on PATH; the interop tests need Node.js 20 or later. {InstallHint}")
            : (node, script);
    }

    /// <summary>Sends a command and returns its result; throws with the peer's error when it failed.</summary>
    public async Task<JsonElement> SendAsync(string op, JsonObject? arguments = null)
    {
        var command = arguments ?? [];
        var id = Interlocked.Increment(ref _nextId);
        command["id"] = id;
        command["op"] = op;
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_sync)
        {
            _pending[id] = reply;
        }

        await _process.StandardInput.WriteLineAsync(command.ToJsonString());
        await _process.StandardInput.FlushAsync();
        JsonElement result;
        try
        {
            result = await reply.Task.WaitAsync(Wait);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"ably-js peer: no reply to {op} within {Wait}. stderr: {StandardError}");
        }

        return result.GetProperty("ok").GetBoolean()
            ? result.GetProperty("result").Clone()
            : throw new InvalidOperationException($"ably-js peer: {op} failed: {result.GetProperty("error")} (code {result.GetProperty("code")}).");
    }

    /// <summary>Waits until <paramref name="count"/> events matching <paramref name="match"/> have arrived (since the start) and returns them in order.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForEventsAsync(Func<JsonElement, bool> match, int count, string what)
    {
        var done = new TaskCompletionSource<IReadOnlyList<JsonElement>>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_sync)
        {
            var seen = _events.Where(match).ToList();
            if (seen.Count >= count)
            {
                return seen.Take(count).ToList();
            }

            _waiters.Add((match, count, done));
        }

        try
        {
            return await done.Task.WaitAsync(Wait);
        }
        catch (TimeoutException)
        {
            int seen;
            lock (_sync)
            {
                seen = _events.Count(match);
            }

            throw new TimeoutException($"ably-js peer: saw {seen} of {count} {what} within {Wait}. stderr: {StandardError}");
        }
    }

    /// <summary>The messages an ably-js client received on a channel.</summary>
    public Task<IReadOnlyList<JsonElement>> WaitForMessagesAsync(string client, string channel, int count) =>
        WaitForEventsAsync(e => Is(e, "message", client, channel), count, $"message(s) on {channel}");

    /// <summary>The presence events an ably-js client received on a channel.</summary>
    public Task<IReadOnlyList<JsonElement>> WaitForPresenceAsync(string client, string channel, int count) =>
        WaitForEventsAsync(e => Is(e, "presence", client, channel), count, $"presence event(s) on {channel}");

    private static bool Is(JsonElement e, string kind, string client, string channel) =>
        e.GetProperty("event").GetString() == kind && e.GetProperty("client").GetString() == client && e.GetProperty("channel").GetString() == channel;

    private string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.Length == 0 ? "(empty)" : _stderr.ToString();
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            JsonElement element;
            try
            {
                element = JsonDocument.Parse(line).RootElement;
            }
            catch (JsonException)
            {
                continue;
            }

            if (element.TryGetProperty("event", out var kind))
            {
                if (kind.GetString() == "ready")
                {
                    _ready.TrySetResult();
                    continue;
                }

                lock (_sync)
                {
                    _events.Add(element);
                    for (var i = _waiters.Count - 1; i >= 0; i--)
                    {
                        var (match, count, done) = _waiters[i];
                        var seen = _events.Where(match).ToList();
                        if (seen.Count >= count)
                        {
                            done.TrySetResult(seen.Take(count).ToList());
                            _waiters.RemoveAt(i);
                        }
                    }
                }
            }
            else if (element.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number)
            {
                TaskCompletionSource<JsonElement>? reply;
                lock (_sync)
                {
                    _pending.Remove(id.GetInt64(), out reply);
                }

                reply?.TrySetResult(element);
            }
        }

        var exited = new InvalidOperationException($"The ably-js peer exited. stderr: {StandardError}");
        _ready.TrySetException(exited);
        lock (_sync)
        {
            foreach (var reply in _pending.Values)
            {
                reply.TrySetException(exited);
            }

            foreach (var waiter in _waiters)
            {
                waiter.Done.TrySetException(exited);
            }
        }
    }

    /// <summary>Closes the peer's stdin (it closes its clients and exits) and kills it if it does not exit promptly.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }
}
