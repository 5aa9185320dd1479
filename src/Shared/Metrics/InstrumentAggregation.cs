using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
namespace ClusterHost.Metrics;

/// <summary>
/// Every series of one instrument, keyed by its tag values. The number of series is capped
/// (<see cref="MaxSeries"/>): past it, measurements go to one overflow series tagged
/// <c>otel.metric.overflow=true</c>, as OpenTelemetry SDKs do, so a tag with unbounded values
/// cannot grow the worker's memory or the scrape without limit.
/// </summary>
internal sealed class InstrumentAggregation
{
    /// <summary>Series kept per instrument before the overflow series takes the rest.</summary>
    public const int MaxSeries = 2000;

    internal const string OverflowTag = "otel.metric.overflow";

    /// <summary>
    /// Buckets for a histogram in seconds without advice: ASP.NET Core's request-duration
    /// buckets, 5 ms to 10 s.
    /// </summary>
    internal static readonly double[] DefaultSecondsBounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>OpenTelemetry's default explicit buckets, for any other histogram without advice.</summary>
    internal static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    /// <summary>
    /// Instruments the runtime publishes as observable counters although they go down: OpenTelemetry's
    /// semantic conventions define them as up-down counters, so they are exported as gauges.
    /// </summary>
    internal static readonly IReadOnlySet<string> CurrentValueCounters = new HashSet<string>(StringComparer.Ordinal)
    {
        "dotnet.thread_pool.queue.length",
        "dotnet.thread_pool.thread.count",
    };

    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    [ThreadStatic]
    private static StringBuilder? t_keyBuilder;

    private readonly ConcurrentDictionary<string, SeriesAggregator> _series = new(StringComparer.Ordinal);
    private readonly Func<IReadOnlyDictionary<string, string>, SeriesAggregator> _createSeries;
    private readonly Action<Instrument> _onOverflow;
    private int _overflowReported;

    public InstrumentAggregation(Instrument instrument, Action<Instrument> onOverflow)
    {
        Instrument = instrument;
        _onOverflow = onOverflow;
        var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
        if (definition == typeof(Histogram<>))
        {
            Kind = MetricKinds.Histogram;
            Bounds = BoundsFor(instrument);
            var bounds = Bounds;
            _createSeries = tags => new HistogramAggregator(tags, bounds);
        }
        else if (definition == typeof(Counter<>) || definition == typeof(UpDownCounter<>))
        {
            Kind = definition == typeof(Counter<>) ? MetricKinds.Counter : MetricKinds.Gauge;
            _createSeries = tags => new SumAggregator(tags);
        }
        else
        {
            // Observable instruments report the current total or value; Gauge<T> its latest.
            Kind = definition == typeof(ObservableCounter<>) && !CurrentValueCounters.Contains(instrument.Name)
                ? MetricKinds.Counter
                : MetricKinds.Gauge;
            _createSeries = tags => new LastValueAggregator(tags);
        }
    }

    public Instrument Instrument { get; }

    /// <summary>One of <see cref="MetricKinds"/>.</summary>
    public string Kind { get; }

    /// <summary>Histogram bucket bounds, strictly ascending and finite; null for other kinds.</summary>
    public double[]? Bounds { get; }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = KeyOf(tags);
        if (!_series.TryGetValue(key, out var series))
        {
            series = AddSeries(key, tags);
        }
        series.Record(value);
    }

    private SeriesAggregator AddSeries(string key, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.Count >= MaxSeries)
        {
            if (Interlocked.Exchange(ref _overflowReported, 1) == 0)
            {
                _onOverflow(Instrument);
            }
            return _series.GetOrAdd(OverflowTag, static (_, create) => create(new Dictionary<string, string> { [OverflowTag] = "true" }), _createSeries);
        }
        var copy = tags.Length == 0 ? NoTags : ToDictionary(tags);
        return _series.GetOrAdd(key, static (_, state) => state.Create(state.Tags), (Create: _createSeries, Tags: copy));
    }

    public MetricFamilySnapshot ToSnapshot()
    {
        var points = new List<MetricPointSnapshot>(_series.Count);
        foreach (var (_, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (series.ToPoint() is { } point)
            {
                points.Add(point);
            }
        }
        return new MetricFamilySnapshot
        {
            Name = Instrument.Name,
            Unit = Instrument.Unit,
            Description = Instrument.Description,
            Kind = Kind,
            Bounds = Bounds,
            Points = points,
        };
    }

    /// <summary>A key that is equal for equal tag sets whatever their order: sorted names, length-prefixed.</summary>
    internal static string KeyOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }
        var builder = t_keyBuilder ??= new StringBuilder();
        builder.Clear();
        if (tags.Length == 1)
        {
            Append(builder, tags[0]);
        }
        else
        {
            var sorted = tags.ToArray();
            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            foreach (var tag in sorted)
            {
                Append(builder, tag);
            }
        }
        return builder.ToString();

        static void Append(StringBuilder builder, KeyValuePair<string, object?> tag)
        {
            var value = Format(tag.Value);
            builder.Append(tag.Key.Length).Append(':').Append(tag.Key).Append(value.Length).Append(':').Append(value);
        }
    }

    internal static string Format(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static Dictionary<string, string> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, string>(tags.Length, StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            result[tag.Key] = Format(tag.Value);
        }
        return result;
    }

    private static double[] BoundsFor(Instrument instrument)
    {
        var advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<short> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<byte> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<decimal> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
        var bounds = advised is { Length: > 0 } ? advised : instrument.Unit == "s" ? DefaultSecondsBounds : DefaultBounds;
        return [.. bounds.Where(double.IsFinite).Distinct().Order()];
    }
}
