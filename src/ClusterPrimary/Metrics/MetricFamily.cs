namespace ClusterHost.Primary.Metrics;

/// <summary>A metric family as the Prometheus text format has it: one name, HELP and TYPE, many series.</summary>
/// <param name="Name">The full name: counters end in <c>_total</c>; histograms without <c>_bucket</c>.</param>
/// <param name="Help">What it measures; one line (the writer escapes what needs it).</param>
/// <param name="Type">Counter, gauge or histogram; summary and untyped only with <see cref="Samples"/>.</param>
internal sealed record MetricFamily(string Name, string Help, PrometheusMetricType Type)
{
    /// <summary>The series ClusterHost aggregated (its meters, the primary's own).</summary>
    public List<MetricSeries> Series { get; } = [];

    /// <summary>
    /// Samples passed through from an app's own exposition (prometheus-net), written as they are
    /// after <see cref="Series"/>: histogram and summary samples keep their <c>le</c> and <c>quantile</c>.
    /// </summary>
    public List<ExpositionSample> Samples { get; } = [];
}
