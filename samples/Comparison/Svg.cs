using System.Globalization;
using System.Net;
using System.Text;

namespace RealtimeAdapters.Comparison;

/// <summary>Small, dependency-free SVG plots for the report: latency distributions (CDF) and grouped bars.</summary>
public static class Svg
{
    private const int Width = 720;
    private const int Height = 360;
    private const int Left = 70;
    private const int Right = 180;
    private const int Top = 40;
    private const int Bottom = 50;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

    /// <summary>Cumulative distributions: for each series, the share of samples at or below each value.</summary>
    /// <param name="title">The plot's title.</param>
    /// <param name="xLabel">What the values are (with unit).</param>
    /// <param name="series">Each series' name and samples (any order).</param>
    public static string Cdf(string title, string xLabel, IReadOnlyList<(string Name, IReadOnlyList<double> Samples)> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var sorted = series.Where(static s => s.Samples.Count > 0).Select(static s => (s.Name, Values: s.Samples.Order().ToArray())).ToList();

        // The x axis ends a little after the largest 99th percentile, so that one outlier does not flatten the curves.
        var xMax = sorted.Count == 0 ? 1 : Nice(sorted.Max(static s => Stats.Percentile(s.Values, 0.99)) * 1.15);
        var svg = Begin(title);
        Axes(svg, xLabel, "share of samples", xMax, 1, yPercent: true);
        for (var i = 0; i < sorted.Count; i++)
        {
            var (name, values) = sorted[i];
            var points = new StringBuilder();
            for (var j = 0; j < values.Length; j++)
            {
                var x = Math.Min(values[j], xMax);
                points.Append(F(X(x, xMax))).Append(',').Append(F(Y((j + 1.0) / values.Length, 1))).Append(' ');
            }

            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{Colors[i % Colors.Length]}\" stroke-width=\"2\" points=\"{points.ToString().TrimEnd()}\"/>\n");
            Legend(svg, i, name, string.Create(CultureInfo.InvariantCulture, $"p50 {Stats.Percentile(values, 0.5):0.##}, p99 {Stats.Percentile(values, 0.99):0.##}"));
        }

        return End(svg);
    }

    /// <summary>Grouped bars: one group per category, one bar per series; a missing value draws no bar.</summary>
    /// <param name="title">The plot's title.</param>
    /// <param name="yLabel">What the values are (with unit).</param>
    /// <param name="groups">The categories along the x axis.</param>
    /// <param name="series">Each series' name and one value per group.</param>
    public static string Bars(string title, string yLabel, IReadOnlyList<string> groups, IReadOnlyList<(string Name, IReadOnlyList<double?> Values)> series)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(series);
        var yMax = Nice(Math.Max(series.SelectMany(static s => s.Values).Max(static v => v ?? 0) * 1.1, 1e-9));
        var svg = Begin(title);
        Axes(svg, string.Empty, yLabel, groups.Count, yMax, yPercent: false, categories: groups);
        var plotWidth = Width - Left - Right;
        var groupWidth = plotWidth / (double)Math.Max(1, groups.Count);
        var barWidth = groupWidth * 0.8 / Math.Max(1, series.Count);
        for (var s = 0; s < series.Count; s++)
        {
            for (var g = 0; g < groups.Count && g < series[s].Values.Count; g++)
            {
                if (series[s].Values[g] is not { } value)
                {
                    continue;
                }

                var x = Left + (g * groupWidth) + (groupWidth * 0.1) + (s * barWidth);
                var y = Y(value, yMax);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(barWidth * 0.9)}\" height=\"{F(Height - Bottom - y)}\" fill=\"{Colors[s % Colors.Length]}\"><title>{Escape(series[s].Name)}: {value:0.##}</title></rect>\n");
            }

            Legend(svg, s, series[s].Name, string.Empty);
        }

        return End(svg);
    }

    private static StringBuilder Begin(string title) =>
        new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n")
            .Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");

    private static string End(StringBuilder svg) => svg.Append("</svg>\n").ToString();

    private static void Axes(StringBuilder svg, string xLabel, string yLabel, double xMax, double yMax, bool yPercent, IReadOnlyList<string>? categories = null)
    {
        var x0 = Left;
        var y0 = Height - Bottom;
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{Width - Right}\" y2=\"{y0}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{Top}\" x2=\"{x0}\" y2=\"{y0}\" stroke=\"black\"/>\n");
        for (var i = 0; i <= 4; i++)
        {
            var v = yMax * i / 4;
            var y = Y(v, yMax);
            var label = yPercent ? $"{v * 100:0}%" : Short(v);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{F(y)}\" x2=\"{Width - Right}\" y2=\"{F(y)}\" stroke=\"#ddd\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{label}</text>\n");
        }

        if (categories is null)
        {
            for (var i = 0; i <= 5; i++)
            {
                var v = xMax * i / 5;
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(v, xMax))}\" y=\"{y0 + 16}\" text-anchor=\"middle\">{Short(v)}</text>\n");
            }
        }
        else
        {
            var groupWidth = (Width - Left - Right) / (double)Math.Max(1, categories.Count);
            for (var i = 0; i < categories.Count; i++)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Left + (groupWidth * (i + 0.5)))}\" y=\"{y0 + 16}\" text-anchor=\"middle\">{Escape(categories[i])}</text>\n");
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{(Top + y0) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(Top + y0) / 2})\">{Escape(yLabel)}</text>\n");
    }

    private static void Legend(StringBuilder svg, int index, string name, string detail)
    {
        // The name on one line, the detail under it.
        var y = Top + 10 + (index * 36);
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Width - Right + 10}\" y=\"{y - 9}\" width=\"12\" height=\"12\" fill=\"{Colors[index % Colors.Length]}\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right + 28}\" y=\"{y + 1}\" font-size=\"11\">{Escape(name)}</text>\n");
        if (detail.Length > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right + 28}\" y=\"{y + 15}\" font-size=\"10\" fill=\"#555\">{Escape(detail)}</text>\n");
        }
    }

    private static double X(double value, double max) => Left + (value / max * (Width - Left - Right));

    private static double Y(double value, double max) => Height - Bottom - (value / max * (Height - Top - Bottom));

    private static double Nice(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in (ReadOnlySpan<double>)[1, 2, 2.5, 5, 10])
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Short(double v) =>
        v >= 1_000_000 ? (v / 1_000_000).ToString("0.#", CultureInfo.InvariantCulture) + "M"
        : v >= 10_000 ? (v / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : v.ToString(v >= 10 ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Escape(string s) => WebUtility.HtmlEncode(s);
}

/// <summary>Percentiles over samples.</summary>
public static class Stats
{
    /// <summary>The nearest-rank percentile of sorted samples (0 when there are none).</summary>
    /// <param name="sorted">The samples, ascending.</param>
    /// <param name="p">The percentile, 0 to 1.</param>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
