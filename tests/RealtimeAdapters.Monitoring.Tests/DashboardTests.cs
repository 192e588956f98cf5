using System.Reflection;

namespace RealtimeAdapters.Monitoring.Tests;

/// <summary>The dashboard reads the instruments the library and the emulator have, and shows every one the library has.</summary>
public sealed class DashboardTests
{
    private static readonly string[] PrometheusSuffixes = ["_bucket", "_count", "_sum", "_total", "_seconds"];

    // The library's instruments, as OpenTelemetry's Prometheus exporter names them without suffixes.
    private static IEnumerable<string> LibraryInstruments() =>
        typeof(RealtimeDiagnostics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && !f.Name.EndsWith("Tag", StringComparison.Ordinal) && f.Name != nameof(RealtimeDiagnostics.Name))
            .Select(f => ((string)f.GetRawConstantValue()!).Replace('.', '_'));

    [Fact]
    public void MetricNamesOf_AnExpression_LeavesLabelsFunctionsAndWindowsOut()
    {
        const string expression = "histogram_quantile(0.99, sum by (le, realtime_provider) (rate(realtime_channel_delivery_latency_seconds_bucket{realtime_provider=~\"$provider\"}[$__rate_interval]))) / sum without (realtime_operation) (realtime_operations_pending)";

        Assert.Equal(["realtime_channel_delivery_latency_seconds_bucket", "realtime_operations_pending"], Dashboard.MetricNamesOf(expression));
    }

    [Fact]
    public void Dashboard_EveryMetric_IsAnInstrumentOfTheLibraryOrTheEmulator()
    {
        var known = LibraryInstruments().ToHashSet(StringComparer.Ordinal);
        var unknown = Dashboard.Load().MetricNames.Where(name => !name.StartsWith("realtime_emulator_", StringComparison.Ordinal) && !known.Contains(Strip(name))).ToList();

        Assert.True(unknown.Count == 0, "Not an instrument of RealtimeDiagnostics: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Dashboard_EveryInstrumentOfTheLibrary_IsShown()
    {
        var shown = Dashboard.Load().MetricNames.Select(Strip).ToHashSet(StringComparer.Ordinal);
        var missing = LibraryInstruments().Where(name => !shown.Contains(name)).ToList();

        Assert.True(missing.Count == 0, "No panel reads: " + string.Join(", ", missing));
    }

    [Fact]
    public void Dashboard_EveryPanelExpression_UsesOnlyTheVariablesTheTestReplaces()
    {
        var leftOver = Dashboard.Load().Expressions.Where(e => Dashboard.ForPrometheus(e.Expression).Contains('$', StringComparison.Ordinal)).ToList();

        Assert.Empty(leftOver);
    }

    private static string Strip(string name)
    {
        foreach (var suffix in PrometheusSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                name = name[..^suffix.Length];
            }
        }

        return name;
    }
}
