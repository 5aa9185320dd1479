using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ClusterHost.Primary.Metrics;

/// <summary>
/// Writes metric families in the Prometheus text exposition format 0.0.4: per family one HELP
/// and one TYPE line followed by all of its samples; label values and HELP escaped; histogram
/// buckets cumulative and ending in <c>le="+Inf"</c>, which equals <c>_count</c>; lines ending
/// in <c>\n</c>. A family without series is left out.
/// </summary>
internal static partial class PrometheusTextWriter
{
    /// <summary>The content type of this format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <exception cref="ArgumentException">
    /// A family name or label name is not valid, a name appears twice, a histogram series uses the
    /// reserved <c>le</c> label or has inconsistent buckets.
    /// </exception>
    public static string Write(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var family in families)
        {
            if (!MetricNamePattern().IsMatch(family.Name))
            {
                throw new ArgumentException($"'{family.Name}' is not a valid Prometheus metric name.", nameof(families));
            }
            if (!names.Add(family.Name))
            {
                throw new ArgumentException($"Metric family '{family.Name}' appears twice; each family must be written once.", nameof(families));
            }
            if (family.Series.Count == 0 && family.Samples.Count == 0)
            {
                continue;
            }
            text.Append("# HELP ").Append(family.Name).Append(' ');
            AppendEscaped(text, family.Help, escapeQuotes: false);
            text.Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            foreach (var series in family.Series)
            {
                CheckLabels(family, series);
                if (family.Type == PrometheusMetricType.Histogram)
                {
                    AppendHistogram(text, family.Name, series);
                }
                else
                {
                    AppendSample(text, family.Name, series.Labels, null, series.Value);
                }
            }
            foreach (var sample in family.Samples)
            {
                AppendPassedThrough(text, family, sample);
            }
        }
        return text.ToString();
    }

    private static void AppendHistogram(StringBuilder text, string name, MetricSeries series)
    {
        var bounds = series.Bounds ?? [];
        var counts = series.BucketCounts ?? [];
        if (counts.Count != bounds.Count + 1)
        {
            throw new ArgumentException($"Histogram '{name}' has {bounds.Count} bounds but {counts.Count} bucket counts; there must be one more count (+Inf).");
        }
        long cumulative = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (i < bounds.Count && (!double.IsFinite(bounds[i]) || (i > 0 && !(bounds[i] > bounds[i - 1]))))
            {
                throw new ArgumentException($"Histogram '{name}' bounds are not finite and strictly ascending.");
            }
            cumulative += counts[i];
            var le = i < bounds.Count ? FormatValue(bounds[i]) : "+Inf";
            AppendSample(text, name + "_bucket", series.Labels, le, cumulative);
        }
        AppendSample(text, name + "_sum", series.Labels, null, series.Sum);
        AppendSample(text, name + "_count", series.Labels, null, cumulative);
    }

    private static void AppendSample(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        AppendNameAndLabels(text, name, labels, le);
        text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    private static void AppendNameAndLabels(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (labelName, labelValue) in labels)
            {
                if (!first)
                {
                    text.Append(',');
                }
                first = false;
                text.Append(labelName).Append("=\"");
                AppendEscaped(text, labelValue, escapeQuotes: true);
                text.Append('"');
            }
            if (le is not null)
            {
                text.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            }
            text.Append('}');
        }
    }

    private static void AppendPassedThrough(StringBuilder text, MetricFamily family, ExpositionSample sample)
    {
        if (!MetricNamePattern().IsMatch(sample.Name) || !sample.Name.StartsWith(family.Name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Sample '{sample.Name}' does not belong to family '{family.Name}'.");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in sample.Labels)
        {
            if (!LabelNamePattern().IsMatch(name) || name.StartsWith("__", StringComparison.Ordinal) || !seen.Add(name))
            {
                throw new ArgumentException($"Label '{name}' is not valid or repeated (in '{sample.Name}').");
            }
        }
        AppendNameAndLabels(text, sample.Name, sample.Labels, null);
        // The value as the app wrote it (and its timestamp, if any), not re-formatted.
        text.Append(' ').Append(sample.Value);
        if (sample.Timestamp is not null)
        {
            text.Append(' ').Append(sample.Timestamp);
        }
        text.Append('\n');
    }

    private static void CheckLabels(MetricFamily family, MetricSeries series)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in series.Labels)
        {
            if (!LabelNamePattern().IsMatch(name) || name.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{name}' is not a valid label name (in '{family.Name}').");
            }
            if (!seen.Add(name) || (family.Type == PrometheusMetricType.Histogram && name == "le"))
            {
                throw new ArgumentException($"Label '{name}' is repeated or reserved in '{family.Name}'.");
            }
        }
    }

    /// <summary>Backslash and line feed escaped everywhere; double quotes too in label values.</summary>
    private static void AppendEscaped(StringBuilder text, string value, bool escapeQuotes)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    text.Append(@"\\");
                    break;
                case '\n':
                    text.Append(@"\n");
                    break;
                case '"' when escapeQuotes:
                    text.Append("\\\"");
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
    }

    /// <summary>A sample value or bucket bound: Go float syntax, shortest round-trip, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    internal static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string TypeName(PrometheusMetricType type) => type switch
    {
        PrometheusMetricType.Counter => "counter",
        PrometheusMetricType.Gauge => "gauge",
        PrometheusMetricType.Histogram => "histogram",
        PrometheusMetricType.Summary => "summary",
        PrometheusMetricType.Untyped => "untyped",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    internal static partial Regex MetricNamePattern();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    internal static partial Regex LabelNamePattern();
}
