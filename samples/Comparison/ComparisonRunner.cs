using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Comparison;

/// <summary>What to run and where to write the report.</summary>
public sealed record ComparisonRunOptions
{
    /// <summary>Where <c>comparison.md</c> goes; the plots go to its <c>comparison/</c> folder.</summary>
    public string OutputDirectory { get; init; } = "docs";

    /// <summary>How much work each scenario does.</summary>
    public ComparisonWorkload Workload { get; init; } = ComparisonWorkload.Full;

    /// <summary>The name of the workload, for the report's header.</summary>
    public string WorkloadName { get; init; } = "full";

    /// <summary>Which backends (name prefixes), or <see langword="null"/> for all.</summary>
    public IReadOnlyCollection<string>? Backends { get; init; }

    /// <summary>The scenarios to run (ids of <see cref="ComparisonRunner.ScenarioIds"/>); all when null.</summary>
    public IReadOnlyCollection<string>? Scenarios { get; init; }

    /// <summary>Extra backends (hosted services configured with credentials).</summary>
    public IReadOnlyList<Backend> ExtraBackends { get; init; } = [];

    /// <summary>The price inputs (<c>prices.json</c>).</summary>
    public string PricesPath { get; init; } = Path.Combine(AppContext.BaseDirectory, "prices.json");

    /// <summary>The command that produced the report, for its header.</summary>
    public string Command { get; init; } = "dotnet run -c Release --project samples/Comparison";

    /// <summary>Where progress goes.</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;
}

/// <summary>Runs every scenario on every backend against an in-process emulator and writes the report.</summary>
public static class ComparisonRunner
{
    /// <summary>The scenario ids, in report order.</summary>
    public static readonly IReadOnlyList<string> ScenarioIds =
        ["channel-latency", "store-latency", "fan-out", "connection-cut", "persistence", "history", "presence", "wire-bytes", "cost"];

    /// <summary>Runs the comparison; returns the scenario sections and the report's path.</summary>
    /// <param name="options">What to run.</param>
    public static async Task<(IReadOnlyList<ScenarioReport> Reports, string ReportPath)> RunAsync(ComparisonRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Scenarios?.FirstOrDefault(id => !ScenarioIds.Contains(id)) is { } unknown)
        {
            throw new ArgumentException($"Unknown scenario \"{unknown}\"; the scenarios are {string.Join(", ", ScenarioIds)}.", nameof(options));
        }

        bool Selected(string id) => options.Scenarios is null || options.Scenarios.Contains(id);
        var loadBefore = Load();
        var started = DateTimeOffset.UtcNow;
        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 }, Ably = { Enabled = true, Port = 0 } }).ConfigureAwait(false);
        var backends = Backends.ForEmulator(emulator, options.Backends).Concat(options.ExtraBackends).ToList();
        var w = options.Workload;
        var reports = new List<ScenarioReport>();
        foreach (var (id, run) in new (string, Func<Task<ScenarioReport>>)[]
        {
            ("channel-latency", () => Scenarios.ChannelLatencyAsync(backends, w)),
            ("store-latency", () => Scenarios.StoreLatencyAsync(backends, w)),
            ("fan-out", () => Scenarios.FanOutAsync(backends, w)),
            ("connection-cut", () => Scenarios.ConnectionCutAsync(backends, w)),
            ("persistence", () => Scenarios.PersistenceAsync(backends, w)),
            ("history", () => Scenarios.HistoryAsync(backends, w)),
            ("presence", () => Scenarios.PresenceAsync(backends, w)),
            ("wire-bytes", () => Scenarios.WireBytesAsync(backends, w)),
        }.Where(s => Selected(s.Item1)))
        {
            await options.Log.WriteLineAsync($"{DateTimeOffset.UtcNow:HH:mm:ss} {id}…").ConfigureAwait(false);
            reports.Add(await run().ConfigureAwait(false));
        }

        if (Selected("cost"))
        {
            var wire = reports.SingleOrDefault(static r => r.Id == "wire-bytes");
            var measured = wire?.Get("Firebase", "deliver") is { } deliver ? deliver - w.PayloadSize : (double?)null;
            reports.Add(CostEstimate.Price(PriceInputs.Load(options.PricesPath), measured));
        }

        var path = await ReportWriter.WriteAsync(options, reports, backends, started, loadBefore, Load()).ConfigureAwait(false);
        await options.Log.WriteLineAsync($"wrote {path}").ConfigureAwait(false);
        return (reports, path);
    }

    /// <summary>The machine's load average, or "unknown".</summary>
    public static string Load() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>A one-line description of the machine.</summary>
    public static string Machine() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");

    internal static string Cell(IReadOnlyList<string> cells, int i) => i < cells.Count ? cells[i].Replace("|", "\\|", StringComparison.Ordinal) : string.Empty;

    internal static StringBuilder AppendTable(StringBuilder md, ScenarioReport report)
    {
        md.Append("| backend | ").AppendJoin(" | ", report.Columns).AppendLine(" |");
        md.Append("|---|").AppendJoin(string.Empty, report.Columns.Select(static _ => "---:|")).AppendLine();
        foreach (var (backend, cells) in report.Rows)
        {
            md.Append("| ").Append(backend).Append(" | ");
            if (cells.Count == 1 && report.Columns.Count > 1)
            {
                md.Append(Cell(cells, 0)).Append(string.Concat(Enumerable.Repeat(" | ", report.Columns.Count - 1)));
            }
            else
            {
                md.AppendJoin(" | ", Enumerable.Range(0, report.Columns.Count).Select(i => Cell(cells, i)));
            }

            md.AppendLine(" |");
        }

        return md;
    }
}
