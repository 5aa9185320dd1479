using ClusterHost.LoadTests.Reports;

namespace ClusterHost.LoadTests.Tests.Reports;

public sealed class LatencyStatsTests
{
    [Fact]
    public void Of_NoDurations_IsEmpty()
    {
        Assert.Equal(LatencyStats.Empty, LatencyStats.Of([]));
        Assert.Equal("-", LatencyStats.Empty.ToString());
    }

    [Fact]
    public void Of_OneToHundred_UsesNearestRank()
    {
        var stats = LatencyStats.Of(Enumerable.Range(1, 100).Select(i => (double)i).Reverse());

        Assert.Equal(new LatencyStats(100, 50, 99, 100), stats);
    }

    [Fact]
    public void Of_FewValues_P99IsTheMaximum()
    {
        var stats = LatencyStats.Of([3, 1, 2000, 2]);

        Assert.Equal(2, stats.P50Ms);
        Assert.Equal(2000, stats.P99Ms);
        Assert.Equal(2000, stats.MaxMs);
    }
}
