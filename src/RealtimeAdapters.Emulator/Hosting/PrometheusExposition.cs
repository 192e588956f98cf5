using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// Aggregates the measurements of one <see cref="Meter"/> (counters, up-down counters, histograms; observable instruments
/// are read when written) and writes them in the
/// Prometheus text format (0.0.4) with the names OpenTelemetry's Prometheus exporter gives them — dots to underscores, the
/// unit <c>s</c> as <c>_seconds</c>, <c>_total</c> on counters — so that one dashboard reads the library's metrics and
/// the emulator's. The emulator ships without an OpenTelemetry dependency; this is all it needs.
/// </summary>
internal sealed class PrometheusExposition : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();

    // Per instrument, its series by their rendered label set, in the order they appeared.
    private readonly Dictionary<Instrument, Dictionary<string, Series>> _series = [];

    public PrometheusExposition(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                lock (_gate)
                {
                    _series.TryAdd(instrument, new Dictionary<string, Series>(StringComparer.Ordinal));
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The content type of <see cref="Write"/>'s output.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Every instrument with its series (an instrument nothing was recorded on yet: its HELP and TYPE only).</summary>
    public string Write()
    {
        // Observable instruments report their current values through the measurement callbacks (outside the lock).
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        lock (_gate)
        {
            foreach (var (instrument, series) in _series)
            {
                var name = MetricName(instrument);
                var type = instrument switch
                {
                    _ when IsCounter(instrument) => "counter",
                    Histogram<long> or Histogram<double> => "histogram",
                    _ => "gauge",
                };
                text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description).Append('\n');
                text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
                foreach (var (labels, s) in series)
                {
                    if (s.Buckets is null)
                    {
                        Sample(text, name, labels, null, s.Sum);
                        continue;
                    }

                    long cumulative = 0;
                    for (var i = 0; i < s.Buckets.Length; i++)
                    {
                        cumulative += s.Buckets[i];
                        var le = i < s.Bounds!.Count ? s.Bounds[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
                        Sample(text, name + "_bucket", labels, $"le=\"{le}\"", cumulative);
                    }

                    Sample(text, name + "_sum", labels, null, s.Sum);
                    Sample(text, name + "_count", labels, null, s.Count);
                }
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>The exporter's naming: <c>realtime.emulator.errors</c> ({error}) → <c>realtime_emulator_errors_total</c>.</summary>
    internal static string MetricName(Instrument instrument)
    {
        var name = Sanitize(instrument.Name);
        if (instrument.Unit == "s")
        {
            name += "_seconds";
        }

        return IsCounter(instrument) ? name + "_total" : name;
    }

    private static bool IsCounter(Instrument instrument) =>
        instrument is Counter<long> or Counter<double> or ObservableCounter<long> or ObservableCounter<double>;

    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_' && chars[i] != ':')
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    private static void Sample(StringBuilder text, string name, string labels, string? extra, double value)
    {
        text.Append(name);
        if (labels.Length > 0 || extra is not null)
        {
            text.Append('{').Append(labels);
            if (extra is not null)
            {
                text.Append(labels.Length > 0 ? "," : string.Empty).Append(extra);
            }

            text.Append('}');
        }

        text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var pairs = new List<(string Name, string Value)>(tags.Length);
        foreach (var tag in tags)
        {
            pairs.Add((Sanitize(tag.Key), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty));
        }

        pairs.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return string.Join(',', pairs.Select(static p => $"{p.Name}=\"{Escape(p.Value)}\""));
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        lock (_gate)
        {
            if (!_series.TryGetValue(instrument, out var series))
            {
                return;
            }

            if (!series.TryGetValue(labels, out var s))
            {
                var bounds = instrument is Histogram<double> or Histogram<long> ? BoundsOf(instrument) : null;
                series[labels] = s = new Series(bounds);
            }

            if (instrument.IsObservable)
            {
                // An observation is the instrument's value now, not an increment.
                s.Set(value);
            }
            else
            {
                s.Add(value);
            }
        }
    }

    private static IReadOnlyList<double> BoundsOf(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => bounds,
        Histogram<long> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(static b => (double)b)],
        _ => [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    };

    /// <summary>One series: the running sum (a counter's or gauge's value), or a histogram's buckets, sum and count.</summary>
    private sealed class Series(IReadOnlyList<double>? bounds)
    {
        public IReadOnlyList<double>? Bounds { get; } = bounds;

        // One bucket per bound, then +Inf.
        public long[]? Buckets { get; } = bounds is null ? null : new long[bounds.Count + 1];

        public double Sum { get; private set; }

        public long Count { get; private set; }

        public void Set(double value) => Sum = value;

        public void Add(double value)
        {
            Sum += value;
            Count++;
            if (Buckets is not null)
            {
                var i = 0;
                while (i < Bounds!.Count && value > Bounds[i])
                {
                    i++;
                }

                Buckets[i]++;
            }
        }
    }
}
