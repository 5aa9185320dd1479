using System.Text;

namespace ClusterHost.Primary.Metrics;

/// <summary>
/// Translates <c>System.Diagnostics.Metrics</c> names and units to Prometheus names the way
/// OpenTelemetry's Prometheus exporters do: characters outside <c>[a-zA-Z0-9_]</c> become
/// <c>_</c> (runs collapsed; colons are left to recording rules), the UCUM unit is spelled out as a suffix unless the name already
/// ends with it (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>, <c>By/s</c> →
/// <c>_bytes_per_second</c>; annotations in braces such as <c>{request}</c> are dropped; <c>1</c>
/// on a gauge is <c>_ratio</c>), and counters end in <c>_total</c>.
/// So <c>http.server.request.duration</c> in <c>s</c> is <c>http_server_request_duration_seconds</c>.
/// </summary>
/// <remarks>
/// One rule of ours on top: Prometheus reserves <c>_count</c>, <c>_sum</c> and <c>_bucket</c> for
/// histograms and <c>_total</c> for counters (promtool flags them elsewhere), so a gauge whose
/// name would end in one of them gets <c>_current</c> appended:
/// <c>dotnet.thread_pool.thread.count</c> → <c>dotnet_thread_pool_thread_count_current</c>.
/// </remarks>
internal static class PrometheusNames
{
    private static readonly string[] ReservedSuffixes = ["_count", "_sum", "_bucket", "_total"];

    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days", ["h"] = "hours", ["min"] = "minutes", ["s"] = "seconds",
        ["ms"] = "milliseconds", ["us"] = "microseconds", ["ns"] = "nanoseconds",
        ["By"] = "bytes", ["KiBy"] = "kibibytes", ["MiBy"] = "mebibytes", ["GiBy"] = "gibibytes", ["TiBy"] = "tibibytes",
        ["KBy"] = "kilobytes", ["MBy"] = "megabytes", ["GBy"] = "gigabytes", ["TBy"] = "terabytes",
        ["bit"] = "bits", ["m"] = "meters", ["V"] = "volts", ["A"] = "amperes", ["J"] = "joules", ["W"] = "watts",
        ["g"] = "grams", ["Cel"] = "celsius", ["Hz"] = "hertz", ["%"] = "percent",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second", ["m"] = "minute", ["h"] = "hour", ["d"] = "day", ["w"] = "week", ["mo"] = "month", ["y"] = "year",
    };

    /// <summary>The Prometheus family name of an instrument.</summary>
    public static string MetricName(string instrumentName, string? unit, PrometheusMetricType type)
    {
        var name = Sanitize(instrumentName);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            name = "_" + name;
        }
        if (type == PrometheusMetricType.Counter && name.EndsWith("_total", StringComparison.Ordinal))
        {
            name = name[..^"_total".Length];
        }
        if (UnitSuffix(unit, type) is { Length: > 0 } suffix && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }
        if (type == PrometheusMetricType.Counter)
        {
            return name + "_total";
        }
        return type == PrometheusMetricType.Gauge ? GaugeName(name) : name;
    }

    /// <summary>
    /// A gauge's name with <c>_current</c> appended when it ends in a reserved suffix; applied to
    /// the gauges (and untyped families) of an app's own exposition too.
    /// </summary>
    public static string GaugeName(string name) =>
        ReservedSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal)) ? name + "_current" : name;

    /// <summary>
    /// The Prometheus label name of a tag: invalid characters become <c>_</c> (runs collapsed, so
    /// never the reserved <c>__</c> prefix); a leading digit gets a <c>key_</c> prefix.
    /// </summary>
    public static string LabelName(string tagName)
    {
        var name = Sanitize(tagName);
        return name.Length == 0 || char.IsAsciiDigit(name[0]) ? "key_" + name : name;
    }

    /// <summary>The unit words appended to a name ("" for none): UCUM spelled out, braces dropped, a/b as a_per_b.</summary>
    internal static string UnitSuffix(string? unit, PrometheusMetricType type)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return "";
        }
        if (unit == "1")
        {
            return type == PrometheusMetricType.Gauge ? "ratio" : "";
        }
        var slash = unit.IndexOf('/', StringComparison.Ordinal);
        var main = Word(slash < 0 ? unit : unit[..slash], Units);
        var per = slash < 0 ? "" : Word(unit[(slash + 1)..], PerUnits);
        return per.Length == 0 ? main : main.Length == 0 ? "per_" + per : $"{main}_per_{per}";

        static string Word(string part, Dictionary<string, string> words)
        {
            var bare = DropAnnotations(part).Trim();
            return bare.Length == 0 ? "" : words.TryGetValue(bare, out var word) ? word : Sanitize(bare).Trim('_');
        }
    }

    private static string DropAnnotations(string unit)
    {
        var text = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0)
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }

    /// <summary>Every character outside [a-zA-Z0-9_] becomes '_', and runs of '_' collapse to one.</summary>
    private static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            var next = char.IsAsciiLetterOrDigit(c) ? c : '_';
            if (next != '_' || text.Length == 0 || text[^1] != '_')
            {
                text.Append(next);
            }
        }
        return text.ToString();
    }
}
