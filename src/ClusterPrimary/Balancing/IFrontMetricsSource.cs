using ClusterHost.Metrics;

namespace ClusterHost.Primary.Balancing;

/// <summary>A front that serves requests itself (the proxy) and measures them.</summary>
internal interface IFrontMetricsSource
{
    /// <summary>The front's own series: its requests, connections and calls to the workers. Empty when not measured.</summary>
    IReadOnlyList<MetricFamilySnapshot> CollectFrontMetrics();
}
