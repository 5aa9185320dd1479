using System.Globalization;
using ClusterHost.Metrics;
using ClusterHost.Primary.Supervision;
using ClusterHost.Text;

namespace ClusterHost.Primary.Metrics;

/// <summary>
/// Turns one scrape of the cluster into Prometheus metric families: the primary's own series
/// about each slot, then every worker's series with a <c>worker="&lt;slot id&gt;"</c> label, then
/// (proxy mode) the front's own series, named <c>clusterhost_proxy_*</c> and with no worker label.
/// A worker that did not answer contributes no series of its own (its <c>up</c> is 0). Last, the
/// families of the apps' own prometheus-net registries, merged across workers (one HELP and TYPE
/// per family, every worker's samples under it with the worker label).
/// </summary>
/// <remarks>
/// Collisions: a name ClusterHost already writes (the primary's, a meter's, the front's) is never
/// shadowed, the app's family of that name is left out. A series that carries its own
/// <c>worker</c> label (a meter tag or a prometheus-net label) keeps it, and the slot id goes in
/// <see cref="OwnWorkerLabel"/> for that series instead.
/// </remarks>
internal static class ClusterMetricsExposition
{
    public const string WorkerLabel = "worker";

    /// <summary>The slot id's label on a series that has a <c>worker</c> label of its own.</summary>
    public const string OwnWorkerLabel = "clusterhost_worker";

    /// <summary>
    /// Prefix of the front's families. Its requests are not a worker's: under the workers' names
    /// they would add a series without a worker label, and <c>count by (worker)</c> would count it.
    /// </summary>
    public const string FrontPrefix = "clusterhost_proxy_";

    public static IReadOnlyList<MetricFamily> Build(IReadOnlyList<WorkerScrape> workers) => Build(workers, []);

    public static IReadOnlyList<MetricFamily> Build(IReadOnlyList<WorkerScrape> workers, IReadOnlyList<MetricFamilySnapshot> front)
    {
        var families = ClusterHostFamilies(workers, front);
        families.AddRange(AppFamilies(workers, families));
        return families;
    }

    /// <summary>
    /// Only the apps' prometheus-net families of <see cref="Build(IReadOnlyList{WorkerScrape}, IReadOnlyList{MetricFamilySnapshot})"/>,
    /// as they appear there: what the app's own metrics route answers under the cluster.
    /// </summary>
    public static IReadOnlyList<MetricFamily> BuildAppRegistries(IReadOnlyList<WorkerScrape> workers, IReadOnlyList<MetricFamilySnapshot> front) =>
        AppFamilies(workers, ClusterHostFamilies(workers, front));

    /// <summary>The primary's families, the workers' meters and the front's: every family ClusterHost writes itself.</summary>
    private static List<MetricFamily> ClusterHostFamilies(IReadOnlyList<WorkerScrape> workers, IReadOnlyList<MetricFamilySnapshot> front)
    {
        var families = PrimaryFamilies(workers);
        var taken = new HashSet<string>(families.Select(f => f.Name), StringComparer.Ordinal);
        var workerFamilies = new SortedDictionary<string, MetricFamily>(StringComparer.Ordinal);
        foreach (var worker in workers.OrderBy(w => w.WorkerId))
        {
            if (worker.Snapshot is { } snapshot)
            {
                var workerLabel = Label(WorkerLabel, worker.WorkerId.ToString(CultureInfo.InvariantCulture));
                AddFamilies(workerFamilies, taken, "", workerLabel, snapshot.Families);
            }
        }
        families.AddRange(workerFamilies.Values);
        var frontFamilies = new SortedDictionary<string, MetricFamily>(StringComparer.Ordinal);
        AddFamilies(frontFamilies, taken, FrontPrefix, null, front);
        families.AddRange(frontFamilies.Values);
        return families;
    }

    /// <summary>Every worker's prometheus-net families, merged by name, in the order the lowest worker wrote them.</summary>
    private static List<MetricFamily> AppFamilies(IReadOnlyList<WorkerScrape> workers, List<MetricFamily> written)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var family in written)
        {
            taken.UnionWith(SampleNames(family.Name, family.Type));
        }
        var merged = new Dictionary<string, MetricFamily>(StringComparer.Ordinal);
        var order = new List<MetricFamily>();
        foreach (var worker in workers.OrderBy(w => w.WorkerId))
        {
            if (worker.Snapshot?.PrometheusText is not { Length: > 0 } text)
            {
                continue;
            }
            var id = worker.WorkerId.ToString(CultureInfo.InvariantCulture);
            foreach (var source in PrometheusTextParser.Parse(text))
            {
                // A gauge named like a counter or a histogram's series gets _current, as ClusterHost's own do.
                var isValue = source.Type is PrometheusMetricType.Gauge or PrometheusMetricType.Untyped;
                var name = isValue ? PrometheusNames.GaugeName(source.Name) : source.Name;
                if (!merged.TryGetValue(name, out var family))
                {
                    if (!PrometheusTextWriter.MetricNamePattern().IsMatch(name) || SampleNames(name, source.Type).Any(taken.Contains))
                    {
                        continue; // ClusterHost's family of that name wins
                    }
                    family = merged[name] = new MetricFamily(name, string.IsNullOrWhiteSpace(source.Help) ? name : source.Help, source.Type);
                    order.Add(family);
                }
                else if (family.Type != source.Type)
                {
                    continue; // another worker's app declares it otherwise: the first keeps it
                }
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var sample in source.Samples)
                {
                    var renamed = isValue ? sample with { Name = name } : sample;
                    if (WithWorkerLabel(renamed, id) is { } labelled && seen.Add(labelled.Name + "\u0001" + string.Join('\u0001', labelled.Labels)))
                    {
                        family.Samples.Add(labelled);
                    }
                }
            }
        }
        return order;
    }

    /// <summary>The sample with the slot's label first, or null when its labels cannot be written.</summary>
    private static ExpositionSample? WithWorkerLabel(ExpositionSample sample, string workerId)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in sample.Labels)
        {
            if (!PrometheusTextWriter.LabelNamePattern().IsMatch(name) || name.StartsWith("__", StringComparison.Ordinal) || !names.Add(name))
            {
                return null;
            }
        }
        var label = names.Contains(WorkerLabel) ? OwnWorkerLabel : WorkerLabel;
        if (names.Contains(label) || !PrometheusTextWriter.MetricNamePattern().IsMatch(sample.Name))
        {
            return null;
        }
        return sample with { Labels = [Label(label, workerId), .. sample.Labels] };
    }

    /// <summary>The sample names a family of this name and type writes: what two families must not share.</summary>
    private static IEnumerable<string> SampleNames(string name, PrometheusMetricType type) => type switch
    {
        PrometheusMetricType.Histogram => [name, name + "_bucket", name + "_sum", name + "_count"],
        PrometheusMetricType.Summary => [name, name + "_sum", name + "_count"],
        _ => [name],
    };

    private static List<MetricFamily> PrimaryFamilies(IReadOnlyList<WorkerScrape> workers)
    {
        var byState = new MetricFamily("clusterhost_workers",
            $"Worker slots by state ({string.Join(", ", EnumNames<WorkerSlotState>.All)}).", PrometheusMetricType.Gauge);
        foreach (var state in Enum.GetValues<WorkerSlotState>())
        {
            byState.Series.Add(MetricSeries.Of(workers.Count(w => w.State == state), Label("state", EnumNames<WorkerSlotState>.ToName(state))));
        }

        var up = new MetricFamily("clusterhost_worker_up",
            "1 if the worker in this slot answered this scrape within the bound, else 0 (no worker running, not yet connected, stopped or hung).",
            PrometheusMetricType.Gauge);
        var exits = new MetricFamily("clusterhost_worker_exits_total",
            $"Workers that left this slot, by reason ({string.Join(", ", EnumNames<WorkerExitReason>.All)}).", PrometheusMetricType.Counter);
        var startTime = new MetricFamily("clusterhost_worker_start_time_seconds",
            "Start time of the worker process now in this slot, in seconds since the Unix epoch.", PrometheusMetricType.Gauge);
        var duration = new MetricFamily("clusterhost_worker_scrape_duration_seconds",
            "How long the worker in this slot took to answer this scrape (the bound, if it did not).", PrometheusMetricType.Gauge);
        var info = new MetricFamily("clusterhost_worker_info",
            "The worker process now in this slot: its pid, start time (UTC) and app version. Always 1.", PrometheusMetricType.Gauge);

        foreach (var worker in workers.OrderBy(w => w.WorkerId))
        {
            var id = worker.WorkerId.ToString(CultureInfo.InvariantCulture);
            var workerLabel = Label(WorkerLabel, id);
            up.Series.Add(MetricSeries.Of(worker.Snapshot is null ? 0 : 1, workerLabel));
            foreach (var reason in Enum.GetValues<WorkerExitReason>())
            {
                exits.Series.Add(MetricSeries.Of(worker.Exits.GetValueOrDefault(reason), workerLabel, Label("reason", EnumNames<WorkerExitReason>.ToName(reason))));
            }
            if (worker.Duration is { } elapsed)
            {
                duration.Series.Add(MetricSeries.Of(elapsed.TotalSeconds, workerLabel));
            }
            if (worker is { Pid: { } pid, StartTime: { } started })
            {
                startTime.Series.Add(MetricSeries.Of(started.ToUnixTimeMilliseconds() / 1000.0, workerLabel));
                if (worker.AppVersion is { } version)
                {
                    info.Series.Add(MetricSeries.Of(1, workerLabel,
                        Label("pid", pid.ToString(CultureInfo.InvariantCulture)),
                        Label("start_time", started.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
                        Label("app_version", version)));
                }
            }
        }
        return [byState, up, exits, startTime, duration, info];
    }

    private static void AddFamilies(
        SortedDictionary<string, MetricFamily> families, HashSet<string> taken, string prefix,
        KeyValuePair<string, string>? ownLabel, IReadOnlyList<MetricFamilySnapshot> sources)
    {
        foreach (var source in sources)
        {
            if (TypeOf(source.Kind) is not { } type)
            {
                continue; // a kind from a newer worker
            }
            var name = prefix + PrometheusNames.MetricName(source.Name, source.Unit, type);
            if (taken.Contains(name))
            {
                continue; // never shadow the primary's own series
            }
            if (!families.TryGetValue(name, out var family))
            {
                family = families[name] = new MetricFamily(name, string.IsNullOrWhiteSpace(source.Description) ? source.Name : source.Description, type);
            }
            else if (family.Type != type)
            {
                continue; // two instruments translated to one name: the first keeps it
            }

            var bounds = source.Bounds ?? [];
            if (type == PrometheusMetricType.Histogram && !AreValidBounds(bounds))
            {
                continue;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var point in source.Points)
            {
                var labels = Labels(ownLabel, point.Tags, type);
                if (!seen.Add(string.Join('\u0001', labels.Select(l => l.Value))))
                {
                    continue; // the same tags twice (two meters with one instrument name): keep the first
                }
                if (type != PrometheusMetricType.Histogram)
                {
                    family.Series.Add(new MetricSeries { Labels = labels, Value = point.Value });
                }
                else if (point.BucketCounts?.Count == bounds.Count + 1)
                {
                    family.Series.Add(new MetricSeries { Labels = labels, Bounds = bounds, BucketCounts = point.BucketCounts, Sum = point.Sum });
                }
            }
        }
    }

    /// <summary>
    /// The worker label first (if any), then the tags by label name. Tags that translate to the
    /// same label name are joined with ';' (as OpenTelemetry does); a tag that would take a label
    /// this exposition owns (<c>le</c> in histograms) becomes <c>exported_le</c>. A tag <c>worker</c>
    /// keeps its name; the slot id then goes in <see cref="OwnWorkerLabel"/>.
    /// </summary>
    private static List<KeyValuePair<string, string>> Labels(KeyValuePair<string, string>? ownLabel, IReadOnlyDictionary<string, string> tags, PrometheusMetricType type)
    {
        var translated = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var name = PrometheusNames.LabelName(key);
            if (name == "le" && type == PrometheusMetricType.Histogram)
            {
                name = "exported_le";
            }
            translated[name] = translated.TryGetValue(name, out var existing) ? existing + ";" + value : value;
        }
        if (ownLabel is not { } label)
        {
            return [.. translated];
        }
        if (translated.ContainsKey(label.Key))
        {
            // The app's own worker tag stays; ours moves aside (an app tag clusterhost_worker is then replaced).
            translated.Remove(OwnWorkerLabel);
            label = Label(OwnWorkerLabel, label.Value);
        }
        return [label, .. translated];
    }

    private static bool AreValidBounds(IReadOnlyList<double> bounds)
    {
        for (var i = 0; i < bounds.Count; i++)
        {
            if (!double.IsFinite(bounds[i]) || (i > 0 && !(bounds[i] > bounds[i - 1])))
            {
                return false;
            }
        }
        return true;
    }

    private static PrometheusMetricType? TypeOf(string kind) => kind switch
    {
        MetricKinds.Counter => PrometheusMetricType.Counter,
        MetricKinds.Gauge => PrometheusMetricType.Gauge,
        MetricKinds.Histogram => PrometheusMetricType.Histogram,
        _ => null,
    };

    private static KeyValuePair<string, string> Label(string name, string value) => new(name, value);
}
