using ClusterHost.LoadTests.Reports;

namespace ClusterHost.LoadTests.Tests.Reports;

public sealed class LatencyPercentilesTests
{
    [Fact]
    public void Of_NoValues_IsEmpty()
    {
        Assert.Equal(LatencyPercentiles.Empty, LatencyPercentiles.Of([]));
        Assert.Equal("-", LatencyPercentiles.Empty.ToString());
    }

    [Fact]
    public void Of_OneToThousand_NearestRank()
    {
        var percentiles = LatencyPercentiles.Of(Enumerable.Range(1, 1000).Select(i => (double)i).Reverse());

        Assert.Equal(new LatencyPercentiles(1000, 500, 900, 990, 999, 1000), percentiles);
    }

    [Fact]
    public void Of_TenThousand_P999IsTheValueWithTenAboveIt()
    {
        var values = Enumerable.Range(1, 10_000).Select(i => i / 10.0).ToArray();
        Random.Shared.Shuffle(values);

        var percentiles = LatencyPercentiles.Of(values);

        Assert.Equal(999.0, percentiles.P999Ms);
        Assert.Equal(10, values.Count(v => v > percentiles.P999Ms));
        Assert.Equal(990.0, percentiles.P99Ms);
    }

    [Fact]
    public void Of_FewerThanAThousand_P999IsTheMaximum()
    {
        var percentiles = LatencyPercentiles.Of([.. Enumerable.Repeat(1.0, 998), 50]);

        Assert.Equal(1, percentiles.P99Ms);
        Assert.Equal(50, percentiles.P999Ms);
        Assert.Equal(50, percentiles.MaxMs);
    }

    [Fact]
    public void Of_FivePercentSlow_P99IsASlowOne_P50AFastOne()
    {
        // The mixed-cost shape: 95 fast, 5 slow in every hundred.
        var values = Enumerable.Range(0, 2000).Select(i => i % 20 == 0 ? 50.0 + i / 100.0 : 0.3).ToArray();

        var percentiles = LatencyPercentiles.Of(values);

        Assert.Equal(0.3, percentiles.P50Ms);
        Assert.Equal(0.3, percentiles.P90Ms);
        Assert.InRange(percentiles.P99Ms, 50, 70);
        Assert.Equal("p50 0.3 ms, p99 " + Format.Duration(percentiles.P99Ms) + ", p99.9 " + Format.Duration(percentiles.P999Ms) + ", max 70 ms", percentiles.ToString());
    }
}
