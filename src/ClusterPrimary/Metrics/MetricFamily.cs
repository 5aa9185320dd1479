namespace ClusterHost.Primary.Metrics;

/// <summary>A metric family as the Prometheus text format has it: one name, HELP and TYPE, many series.</summary>
/// <param name="Name">The full name: counters end in <c>_total</c>; histograms without <c>_bucket</c>.</param>
/// <param name="Help">What it measures; one line (the writer escapes what needs it).</param>
/// <param name="Type">Counter, gauge or histogram.</param>
internal sealed record MetricFamily(string Name, string Help, PrometheusMetricType Type)
{
    public List<MetricSeries> Series { get; } = [];
}
