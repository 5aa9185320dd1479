namespace ClusterHost.Primary.Metrics;

/// <summary>The metric types of the Prometheus text format this primary writes.</summary>
internal enum PrometheusMetricType
{
    Counter,
    Gauge,
    Histogram,

    /// <summary>Only in an app's own exposition (prometheus-net), passed through as written.</summary>
    Summary,

    /// <summary>Only in an app's own exposition: a family without a TYPE line.</summary>
    Untyped,
}
