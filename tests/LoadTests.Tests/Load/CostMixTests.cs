using ClusterHost.LoadTests.Load;

namespace ClusterHost.LoadTests.Tests.Load;

public sealed class CostMixTests
{
    private static readonly CostMix Default = new(200, 50_000, 5, Seed: 17);

    [Fact]
    public void KindOf_OverManyRequests_HeavyShareIsThePercentage()
    {
        var heavy = Enumerable.Range(0, 100_000).Count(i => Default.KindOf(i) == RequestKind.Heavy);

        Assert.InRange(heavy, 4_800, 5_200);
    }

    [Fact]
    public void KindOf_SameSeed_SameSequence_OtherSeed_Another()
    {
        var first = Enumerable.Range(0, 2000).Select(i => Default.KindOf(i)).ToList();
        var again = Enumerable.Range(0, 2000).Select(i => new CostMix(200, 50_000, 5, 17).KindOf(i)).ToList();
        var other = Enumerable.Range(0, 2000).Select(i => (Default with { Seed = 18 }).KindOf(i)).ToList();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void KindOf_NoneOrAllHeavy()
    {
        Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal(RequestKind.Light, (Default with { HeavyPercent = 0 }).KindOf(i)));
        Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal(RequestKind.Heavy, (Default with { HeavyPercent = 100 }).KindOf(i)));
    }

    [Fact]
    public void PathOf_AsksTheWorkEndpointForTheCost()
    {
        Assert.Equal("/work?us=200", Default.PathOf(RequestKind.Light));
        Assert.Equal("/work?us=50000", Default.PathOf(RequestKind.Heavy));
    }

    [Fact]
    public void MeanMicroseconds_IsTheWeightedMean()
    {
        Assert.Equal(0.95 * 200 + 0.05 * 50_000, Default.MeanMicroseconds, 9);
        Assert.Equal("95% of 200 µs and 5% of 50000 µs of CPU (mean 2690 µs)", Default.ToString());
    }
}
