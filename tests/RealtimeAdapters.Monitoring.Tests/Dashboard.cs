using System.Text.Json;
using System.Text.RegularExpressions;

namespace RealtimeAdapters.Monitoring.Tests;

/// <summary>
/// The sample's Grafana dashboard (<c>samples/Monitoring/grafana-dashboard.json</c>, copied beside the tests): its PromQL
/// expressions and the metric names they read, so that the tests check what the dashboard really uses.
/// </summary>
public sealed partial class Dashboard
{
    /// <summary>The values the Prometheus test gives Grafana's variables: a rate window several scrapes wide, every provider.</summary>
    public static readonly IReadOnlyDictionary<string, string> Variables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["$__rate_interval"] = "30s",
        ["$provider"] = ".*",
    };

    private Dashboard(IReadOnlyList<(string Panel, string Expression)> expressions) => Expressions = expressions;

    /// <summary>Every target's expression, with the title of its panel.</summary>
    public IReadOnlyList<(string Panel, string Expression)> Expressions { get; }

    /// <summary>The metric names the expressions read (label names and functions left out), sorted.</summary>
    public IReadOnlyList<string> MetricNames => [.. Expressions.SelectMany(e => MetricNamesOf(e.Expression)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public static Dashboard Load(string? path = null)
    {
        path ??= Path.Combine(AppContext.BaseDirectory, "grafana-dashboard.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var expressions = new List<(string, string)>();
        Collect(json.RootElement.GetProperty("panels"), expressions);
        return new Dashboard(expressions);
    }

    /// <summary>An expression with Grafana's variables replaced by <see cref="Variables"/>, ready for Prometheus.</summary>
    public static string ForPrometheus(string expression)
    {
        foreach (var (name, value) in Variables)
        {
            expression = expression.Replace(name, value, StringComparison.Ordinal);
        }

        return expression;
    }

    /// <summary>
    /// The metric names in one expression: the identifiers left once label matchers (<c>{...}</c>) and grouping clauses
    /// (<c>by (...)</c>, <c>without (...)</c>) are removed, that are not followed by <c>(</c> (functions, aggregations).
    /// </summary>
    public static IEnumerable<string> MetricNamesOf(string expression)
    {
        var bare = Grouping().Replace(Matchers().Replace(expression, string.Empty), string.Empty);
        return Identifier().Matches(bare).Select(m => m.Value).Where(name => name.StartsWith("realtime_", StringComparison.Ordinal));
    }

    private static void Collect(JsonElement panels, List<(string, string)> expressions)
    {
        foreach (var panel in panels.EnumerateArray())
        {
            if (panel.TryGetProperty("panels", out var nested))
            {
                Collect(nested, expressions);
            }

            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }

            var title = panel.TryGetProperty("title", out var t) ? t.GetString() ?? "?" : "?";
            foreach (var target in targets.EnumerateArray())
            {
                if (target.TryGetProperty("expr", out var expr) && expr.GetString() is { Length: > 0 } text)
                {
                    expressions.Add((title, text));
                }
            }
        }
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\b(by|without)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\b[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()")]
    private static partial Regex Identifier();
}
