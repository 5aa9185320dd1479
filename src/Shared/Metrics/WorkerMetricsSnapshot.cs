namespace ClusterHost.Metrics;

/// <summary>
/// A worker's metrics at one moment, as it answers the primary's <c>metrics-request</c>: every
/// instrument it collects, aggregated since the worker started. Names, units and tags are the
/// <c>System.Diagnostics.Metrics</c> ones; the primary translates them for Prometheus.
/// </summary>
internal sealed record WorkerMetricsSnapshot
{
    /// <summary>The app's version (its entry assembly's informational version).</summary>
    public string? AppVersion { get; init; }

    public IReadOnlyList<MetricFamilySnapshot> Families { get; init; } = [];

    /// <summary>
    /// The app's own prometheus-net default registry in the Prometheus text format 0.0.4, as
    /// prometheus-net exported it; null when the app does not use prometheus-net.
    /// </summary>
    public string? PrometheusText { get; init; }
}
