using System.Globalization;
using System.Text;

namespace ClusterHost.Primary.Metrics;

/// <summary>
/// Reads the Prometheus text exposition format 0.0.4 (what prometheus-net's
/// <c>CollectAndExportAsTextAsync</c> writes) into families: HELP and TYPE lines, samples with
/// escaped label values and an optional timestamp. A sample belongs to the family its TYPE named,
/// directly or through the suffixes of its type (<c>_bucket</c>, <c>_sum</c>, <c>_count</c>); a
/// sample of no declared family makes an untyped one. Lines that do not parse are skipped.
/// </summary>
internal static class PrometheusTextParser
{
    public static List<ExpositionFamily> Parse(string text)
    {
        var families = new Dictionary<string, ExpositionFamily>(StringComparer.Ordinal);
        var order = new List<ExpositionFamily>();
        var helps = new Dictionary<string, string>(StringComparer.Ordinal);

        ExpositionFamily Declare(string name, PrometheusMetricType type)
        {
            if (!families.TryGetValue(name, out var family))
            {
                family = families[name] = new ExpositionFamily(name, type) { Help = helps.GetValueOrDefault(name) };
                order.Add(family);
            }
            return family;
        }

        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var (name, rest) = SplitWord(line["# HELP ".Length..]);
                helps.TryAdd(name, Unescape(rest, quotes: false));
                if (families.TryGetValue(name, out var family))
                {
                    family.Help ??= helps[name];
                }
            }
            else if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var (name, type) = SplitWord(line["# TYPE ".Length..]);
                if (ParseType(type.Trim()) is { } parsed && !families.ContainsKey(name))
                {
                    Declare(name, parsed);
                }
            }
            else if (line.Length > 0 && line[0] != '#' && ParseSample(line) is { } sample)
            {
                (FamilyOf(families, sample.Name) ?? Declare(sample.Name, PrometheusMetricType.Untyped)).Samples.Add(sample);
            }
        }
        return order;
    }

    private static ExpositionFamily? FamilyOf(Dictionary<string, ExpositionFamily> families, string sampleName)
    {
        if (families.TryGetValue(sampleName, out var family))
        {
            return family;
        }
        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal)
                && families.TryGetValue(sampleName[..^suffix.Length], out family)
                && (family.Type == PrometheusMetricType.Histogram || (family.Type == PrometheusMetricType.Summary && suffix != "_bucket")))
            {
                return family;
            }
        }
        return null;
    }

    /// <summary><c>name{a="x",b="y"} value [timestamp]</c>; null if it does not parse.</summary>
    internal static ExpositionSample? ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' ' or '\t'))
        {
            i++;
        }
        var name = line[..i];
        if (name.Length == 0)
        {
            return null;
        }
        var labels = new List<KeyValuePair<string, string>>();
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                while (i < line.Length && line[i] is ' ' or ',')
                {
                    i++;
                }
                if (i >= line.Length)
                {
                    return null;
                }
                if (line[i] == '}')
                {
                    i++;
                    break;
                }
                var equals = line.IndexOf('=', i);
                if (equals < 0 || equals + 1 >= line.Length || line[equals + 1] != '"')
                {
                    return null;
                }
                var labelName = line[i..equals].Trim();
                var value = new StringBuilder();
                i = equals + 2;
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                    i++;
                }
                if (i >= line.Length)
                {
                    return null;
                }
                i++; // the closing quote
                labels.Add(new(labelName, value.ToString()));
            }
        }
        var fields = line[i..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is < 1 or > 2 || !IsValue(fields[0]) || (fields.Length == 2 && !long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
        {
            return null;
        }
        return new ExpositionSample(name, labels, fields[0]) { Timestamp = fields.Length == 2 ? fields[1] : null };
    }

    private static bool IsValue(string text) =>
        text is "+Inf" or "-Inf" or "NaN" || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static PrometheusMetricType? ParseType(string type) => type switch
    {
        "counter" => PrometheusMetricType.Counter,
        "gauge" => PrometheusMetricType.Gauge,
        "histogram" => PrometheusMetricType.Histogram,
        "summary" => PrometheusMetricType.Summary,
        "untyped" => PrometheusMetricType.Untyped,
        _ => null,
    };

    private static (string Word, string Remainder) SplitWord(string text)
    {
        var space = text.IndexOf(' ');
        return space < 0 ? (text, "") : (text[..space], text[(space + 1)..]);
    }

    private static string Unescape(string text, bool quotes)
    {
        if (!text.Contains('\\'))
        {
            return text;
        }
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && (text[i + 1] is '\\' or 'n' || (quotes && text[i + 1] == '"')))
            {
                i++;
                result.Append(text[i] == 'n' ? '\n' : text[i]);
            }
            else
            {
                result.Append(text[i]);
            }
        }
        return result.ToString();
    }
}
