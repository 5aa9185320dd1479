using ClusterHost.Primary.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
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

    [Fact]
    public async Task IsDue_EverySecondWhileWatched_ElseEveryTenSeconds()
    {
        var time = new FakeTimeProvider();
        var scrapes = 0;
        var scraper = new ClusterMetricsScraper(() => { scrapes++; return []; }, time, NullLogger<ClusterMetricsScraper>.Instance);
        var sampler = new StatusSampler(scraper, time, NullLogger<StatusSampler>.Instance);

        Assert.True(sampler.IsDue()); // never sampled
        await sampler.SampleAsync(CancellationToken.None);
        var dueWhileIdle = new List<int>();
        for (var second = 1; second <= 20; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            if (sampler.IsDue())
            {
                dueWhileIdle.Add(second);
                await sampler.SampleAsync(CancellationToken.None);
            }
        }
        Assert.Equal([10, 20], dueWhileIdle);

        sampler.History(0); // the page asks
        var dueWhileWatched = 0;
        for (var second = 1; second <= 29; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(sampler.IsDue(), $"not due {second} s after the page asked");
            await sampler.SampleAsync(CancellationToken.None);
            dueWhileWatched++;
        }
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(sampler.IsDue()); // 31 s after the last look, 2 s after the last round
        Assert.Equal(1 + 2 + dueWhileWatched, scrapes);
    }
}
