using ClusterHost.Primary.Metrics;
using ClusterHost.Primary.Supervision.Standby;

namespace ClusterHost.Primary.Tests.Supervision.Standby;

public sealed class StandbyMetricsExpositionTests
{
    [Fact]
    public void Counts_AreWrittenAsOneGaugeByStateAndThreeCounters()
    {
        var text = PrometheusTextWriter.Write(StandbyMetricsExposition.Build(new StandbyCounts(Warming: 1, Warm: 2, Taken: 7, Discarded: 3, Failed: 4)));

        var lines = text.Split('\n');
        Assert.Contains("# TYPE clusterhost_standbys gauge", lines);
        Assert.Contains("clusterhost_standbys{state=\"warming\"} 1", lines);
        Assert.Contains("clusterhost_standbys{state=\"warm\"} 2", lines);
        Assert.Contains("# TYPE clusterhost_standby_takes_total counter", lines);
        Assert.Contains("clusterhost_standby_takes_total 7", lines);
        Assert.Contains("clusterhost_standby_discards_total 3", lines);
        Assert.Contains("clusterhost_standby_failures_total 4", lines);
    }
}
