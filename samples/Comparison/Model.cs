namespace RealtimeAdapters.Comparison;

/// <summary>How much work each scenario does. <see cref="Full"/> for the published report, <see cref="Small"/> for CI.</summary>
public sealed record ComparisonWorkload
{
    /// <summary>The published report's workload.</summary>
    public static ComparisonWorkload Full { get; } = new();

    /// <summary>A quick run (CI checks that every scenario and plot is produced).</summary>
    public static ComparisonWorkload Small { get; } = new()
    {
        LatencyMessages = 40,
        ThroughputMessages = 200,
        FanOutSizes = [5, 20],
        FanOutMessages = 3,
        CutMessages = 40,
        CutAfter = 15,
        HistoryMessages = 120,
        PresenceMembers = 4,
        PresenceWindow = TimeSpan.FromSeconds(2),
        WireMessages = 20,
    };

    /// <summary>Messages published one at a time, each awaited, for the latency distribution.</summary>
    public int LatencyMessages { get; init; } = 500;

    /// <summary>Messages published with up to <see cref="Window"/> in flight, for throughput.</summary>
    public int ThroughputMessages { get; init; } = 2000;

    /// <summary>Publishes or writes in flight at most, for throughput.</summary>
    public int Window { get; init; } = 100;

    /// <summary>Payload characters per message.</summary>
    public int PayloadSize { get; init; } = 100;

    /// <summary>Subscriber counts of the fan-out scenario.</summary>
    public IReadOnlyList<int> FanOutSizes { get; init; } = [10, 100, 1000];

    /// <summary>Publishes per fan-out size.</summary>
    public int FanOutMessages { get; init; } = 10;

    /// <summary>Messages published (every 10 ms) across a connection cut.</summary>
    public int CutMessages { get; init; } = 300;

    /// <summary>After how many of them the subscriber's connection is cut.</summary>
    public int CutAfter { get; init; } = 100;

    /// <summary>Messages in the channel whose history is paged.</summary>
    public int HistoryMessages { get; init; } = 1000;

    /// <summary>Presence members whose connections are cut.</summary>
    public int PresenceMembers { get; init; } = 50;

    /// <summary>How long presence is observed after the cut.</summary>
    public TimeSpan PresenceWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages (and writes) whose bytes on the wire are counted.</summary>
    public int WireMessages { get; init; } = 200;
}

/// <summary>One scenario's section of the report: a table with one row per backend, plots and notes.</summary>
public sealed class ScenarioReport
{
    /// <summary>A stable id (the section's anchor and the plots' file prefix).</summary>
    public required string Id { get; init; }

    /// <summary>The section title.</summary>
    public required string Title { get; init; }

    /// <summary>What is measured and how.</summary>
    public required string Method { get; init; }

    /// <summary>The table's columns after the backend column.</summary>
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>One row per backend: its cells, or one cell saying why it was not measured.</summary>
    public List<(string Backend, IReadOnlyList<string> Cells)> Rows { get; } = [];

    /// <summary>Plots: file name (SVG) and content.</summary>
    public List<(string FileName, string Caption, string Svg)> Plots { get; } = [];

    /// <summary>Remarks shown under the table (e.g. a failure while closing the clients).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Numbers the report's prose uses: backend → metric → value.</summary>
    public Dictionary<string, Dictionary<string, double>> Metrics { get; } = [];

    /// <summary>Records a metric.</summary>
    public void Set(string backend, string metric, double value)
    {
        if (!Metrics.TryGetValue(backend, out var metrics))
        {
            Metrics[backend] = metrics = [];
        }

        metrics[metric] = value;
    }

    /// <summary>A metric, or <see langword="null"/> when it was not measured.</summary>
    public double? Get(string backend, string metric) =>
        Metrics.TryGetValue(backend, out var metrics) && metrics.TryGetValue(metric, out var value) ? value : null;
}
