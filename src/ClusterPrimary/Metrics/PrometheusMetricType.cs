namespace ClusterHost.Primary.Metrics;

/// <summary>The metric types of the Prometheus text format this primary writes.</summary>
internal enum PrometheusMetricType
{
    Counter,
    Gauge,
    Histogram,
}
