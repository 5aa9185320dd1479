using System.Globalization;
using System.Text;

namespace ClusterHost.FunctionalTests.Metrics;

/// <summary>A scraped Prometheus text exposition, parsed for assertions.</summary>
internal sealed class MetricsText
{
    public MetricsText(string text)
    {
        Text = text;
        var samples = new List<MetricSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
            }
            else if (!line.StartsWith('#'))
            {
                samples.Add(ParseSample(line));
            }
        }
        Samples = samples;
        FamilyTypes = types;
    }

    public string Text { get; }

    public IReadOnlyList<MetricSample> Samples { get; }

    /// <summary>Family name to type, from the TYPE lines.</summary>
    public IReadOnlyDictionary<string, string> FamilyTypes { get; }

    public IEnumerable<MetricSample> Named(string name) => Samples.Where(s => s.Name == name);

    /// <summary>The single sample of <paramref name="name"/> with these label values; null if none.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels) =>
        Named(name).SingleOrDefault(s => labels.All(l => s[l.Label] == l.Value))?.Value;

    public bool IsUp(int worker) => Value("clusterhost_worker_up", ("worker", W(worker))) == 1;

    /// <summary>Requests to <c>/</c> each worker has counted, by worker id.</summary>
    public IReadOnlyDictionary<string, double> RootRequestsByWorker() =>
        Named("http_server_request_duration_seconds_count")
            .Where(s => s["http_route"] == "/")
            .GroupBy(s => s["worker"]!)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Value));

    public static string W(int worker) => worker.ToString(CultureInfo.InvariantCulture);

    private static MetricSample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.LastIndexOf(' ');
        string name;
        if (brace < 0 || brace > space)
        {
            name = line[..line.IndexOf(' ', StringComparison.Ordinal)];
        }
        else
        {
            name = line[..brace];
            var i = brace + 1;
            while (line[i] != '}')
            {
                var equals = line.IndexOf('=', i);
                var label = line[i..equals];
                i = equals + 2; // past ="
                var value = new StringBuilder();
                for (; line[i] != '"'; i++)
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                }
                labels[label] = value.ToString();
                i++; // past the closing quote
                if (line[i] == ',')
                {
                    i++;
                }
            }
        }
        var valueText = line[(space + 1)..];
        var number = valueText switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new MetricSample(name, labels, number);
    }
}
