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

    /// <summary>The longest series key the allocation-free lookup builds; longer keys take the string path.</summary>
    internal const int MaxSpanKeyLength = 512;

    /// <summary>Tags per measurement the allocation-free lookup sorts; more take the string path.</summary>
    private const int MaxSpanKeyTags = 16;

    [ThreadStatic]
    private static StringBuilder? t_keyBuilder;

#if NET9_0_OR_GREATER
    [ThreadStatic]
    private static char[]? t_keyBuffer;
#endif

    private readonly ConcurrentDictionary<string, SeriesAggregator> _series = new(StringComparer.Ordinal);
#if NET9_0_OR_GREATER
    private readonly ConcurrentDictionary<string, SeriesAggregator>.AlternateLookup<ReadOnlySpan<char>> _seriesBySpan;
#endif
    private readonly Func<IReadOnlyDictionary<string, string>, SeriesAggregator> _createSeries;
    private readonly Action<Instrument> _onOverflow;
    private int _overflowReported;

    public InstrumentAggregation(Instrument instrument, Action<Instrument> onOverflow)
    {
        Instrument = instrument;
        _onOverflow = onOverflow;
#if NET9_0_OR_GREATER
        _seriesBySpan = _series.GetAlternateLookup<ReadOnlySpan<char>>();
#endif
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

    /// <summary>
    /// Adds one measurement to its series. Runs on every request, so finding a series that exists
    /// allocates nothing: its key is built in a per-thread buffer and looked up as a span. Only a
    /// new series (or a key too long or with tag values of an unusual type) builds the key string.
    /// </summary>
    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
#if NET9_0_OR_GREATER
        var buffer = t_keyBuffer ??= new char[MaxSpanKeyLength];
        if (TryWriteKey(tags, buffer, out var length) && _seriesBySpan.TryGetValue(buffer.AsSpan(0, length), out var existing))
        {
            existing.Record(value);
            return;
        }
#endif
        // Without a span lookup (the net8.0 build, injected into .NET 8 apps) the key string is built.
        var key = KeyOf(tags);
        if (!_series.TryGetValue(key, out var series))
        {
            series = AddSeries(key, tags);
        }
        series.Record(value);
    }

    /// <summary>
    /// Writes the same key as <see cref="KeyOf"/> into <paramref name="buffer"/> without allocating;
    /// false when it cannot (too many tags, too long, or a value it does not format itself).
    /// </summary>
    internal static bool TryWriteKey(ReadOnlySpan<KeyValuePair<string, object?>> tags, Span<char> buffer, out int length)
    {
        length = 0;
        if (tags.Length > MaxSpanKeyTags)
        {
            return false;
        }
        // Tag indexes by key, ordinal (insertion sort: a handful of tags).
        Span<int> order = stackalloc int[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            var j = i;
            while (j > 0 && string.CompareOrdinal(tags[order[j - 1]].Key, tags[i].Key) > 0)
            {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        Span<char> formatted = stackalloc char[64];
        foreach (var index in order)
        {
            var (key, value) = tags[index];
            scoped ReadOnlySpan<char> text;
            switch (value)
            {
                case null:
                    text = [];
                    break;
                case string s:
                    text = s;
                    break;
                case bool flag:
                    text = flag ? "true" : "false";
                    break;
                case int number when number.TryFormat(formatted, out var written, default, CultureInfo.InvariantCulture):
                    text = formatted[..written];
                    break;
                case long number when number.TryFormat(formatted, out var written, default, CultureInfo.InvariantCulture):
                    text = formatted[..written];
                    break;
                default:
                    return false;
            }
            if (!TryAppendLengthPrefixed(buffer, ref length, key) || !TryAppendLengthPrefixed(buffer, ref length, text))
            {
                return false;
            }
        }
        return true;

        static bool TryAppendLengthPrefixed(Span<char> buffer, ref int length, ReadOnlySpan<char> text)
        {
            if (!text.Length.TryFormat(buffer[length..], out var digits, default, CultureInfo.InvariantCulture)
                || length + digits + 1 + text.Length > buffer.Length)
            {
                return false;
            }
            length += digits;
            buffer[length++] = ':';
            text.CopyTo(buffer[length..]);
            length += text.Length;
            return true;
        }
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
#if NET9_0_OR_GREATER
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
#else
        // Instrument advice is .NET 9+: the net8.0 build (injected into .NET 8 apps) uses the defaults.
        double[]? advised = null;
#endif
        var bounds = advised is { Length: > 0 } ? advised : instrument.Unit == "s" ? DefaultSecondsBounds : DefaultBounds;
        return [.. bounds.Where(double.IsFinite).Distinct().Order()];
    }
}
