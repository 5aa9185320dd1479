using ClusterHost.Primary.Metrics;

namespace ClusterHost.Primary.Balancing;

/// <summary>A front that counts per worker slot itself (handoff): its families, written as they are after the cluster's.</summary>
internal interface IFrontMetricFamilies
{
    IReadOnlyList<MetricFamily> CollectFamilies();
}
