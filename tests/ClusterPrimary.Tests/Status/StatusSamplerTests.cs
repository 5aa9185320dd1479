using ClusterHost.Primary.Status;

namespace ClusterHost.Primary.Tests.Status;

public sealed class StatusSamplerTests
{
    private static readonly double[] Bounds = [0.01, 0.1, 1];

    [Fact]
    public void Quantile_InterpolatesWithinTheBucket_AsHistogramQuantileDoes()
    {
        // 100 requests: 50 under 10 ms, 40 under 100 ms, 10 under 1 s. p99 is rank 99: the 9th of the 10 in (0.1, 1].
        var p99 = StatusSampler.Quantile(0.99, Bounds, [50, 40, 10, 0]);
        Assert.NotNull(p99);
        Assert.Equal(0.1 + 0.9 * 9 / 10, p99!.Value, 6);
    }

    [Fact]
    public void Quantile_InTheInfBucket_IsTheLastBound() =>
        Assert.Equal(1, StatusSampler.Quantile(0.99, Bounds, [0, 0, 0, 5]));

    [Fact]
    public void Quantile_OfNoRequest_IsUnknown() =>
        Assert.Null(StatusSampler.Quantile(0.99, Bounds, [0, 0, 0, 0]));
}
