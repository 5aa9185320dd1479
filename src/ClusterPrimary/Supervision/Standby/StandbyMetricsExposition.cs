using ClusterHost.Primary.Metrics;

namespace ClusterHost.Primary.Supervision.Standby;

/// <summary>The warm standbys' series on <c>/metrics</c> (<c>clusterhost_standby*</c>), written when <c>--standby</c> is above 0.</summary>
internal static class StandbyMetricsExposition
{
    public static IReadOnlyList<MetricFamily> Build(StandbyCounts counts)
    {
        var standbys = new MetricFamily("clusterhost_standbys",
            "Warm standby processes (--standby) now, by state (warming: not yet usable; warm: ready to take a slot).",
            PrometheusMetricType.Gauge);
        standbys.Series.Add(MetricSeries.Of(counts.Warming, Label("state", "warming")));
        standbys.Series.Add(MetricSeries.Of(counts.Warm, Label("state", "warm")));
        var taken = new MetricFamily("clusterhost_standby_takes_total",
            "Worker launches (restart, reload, scale-up, recycling) that started from a warm standby instead of cold.",
            PrometheusMetricType.Counter);
        taken.Series.Add(MetricSeries.Of(counts.Taken));
        var discarded = new MetricFamily("clusterhost_standby_discards_total",
            "Standbys killed unused because the app's files or a runtime variable changed since they started.",
            PrometheusMetricType.Counter);
        discarded.Series.Add(MetricSeries.Of(counts.Discarded));
        var failed = new MetricFamily("clusterhost_standby_failures_total",
            "Standbys that could not be started or exited while they waited (5 in a row stop standbys).",
            PrometheusMetricType.Counter);
        failed.Series.Add(MetricSeries.Of(counts.Failed));
        return [standbys, taken, discarded, failed];
    }

    private static KeyValuePair<string, string> Label(string name, string value) => new(name, value);
}
