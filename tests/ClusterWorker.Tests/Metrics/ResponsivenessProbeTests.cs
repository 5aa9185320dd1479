using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ClusterHost.Worker.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterHost.Worker.Tests.Metrics;

public sealed class ResponsivenessProbeTests
{
    [Fact]
    public async Task Probe_RecordsHowLateThreadPoolWorkStarts_InBothInstruments()
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var collector = new WorkerMetricsCollector([ResponsivenessProbe.MeterName], NullLogger.Instance);
        using var probe = new ResponsivenessProbe(services.GetRequiredService<IMeterFactory>(), TimeProvider.System, TimeSpan.FromMilliseconds(10));

        await probe.StartAsync(CancellationToken.None);
        long probes = 0;
        for (var i = 0; i < 500 && probes < 3; i++)
        {
            await Task.Delay(10);
            probes = collector.Collect().Families
                .Where(f => f.Name == "clusterhost.worker.responsiveness.lag")
                .SelectMany(f => f.Points).Sum(p => p.Count);
        }
        await probe.StopAsync(CancellationToken.None);

        Assert.True(probes >= 3, $"only {probes} probes ran");
        var families = collector.Collect().Families;
        var lag = Assert.Single(families, f => f.Name == "clusterhost.worker.responsiveness.lag");
        Assert.Equal("s", lag.Unit);
        Assert.Equal(ResponsivenessProbe.LagBounds, lag.Bounds!);
        var current = Assert.Single(families, f => f.Name == "clusterhost.worker.responsiveness.current_lag");
        Assert.InRange(Assert.Single(current.Points).Value, 0, 60);
    }

    [Fact]
    public void CurrentLag_IsZeroBeforeAnyProbe()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var probe = new ResponsivenessProbe(services.GetRequiredService<IMeterFactory>(), TimeProvider.System);

        Assert.Equal(TimeSpan.Zero, probe.CurrentLag);
    }

    [Fact]
    public async Task StuckPool_ShowsAsAGrowingCurrentLag_ThenAsOneLateProbeInTheHistogram()
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var collector = new WorkerMetricsCollector([ResponsivenessProbe.MeterName], NullLogger.Instance);
        var time = new SteppedTimeProvider();
        var queued = new BlockingCollection<WaitCallback>();
        using var probe = new ResponsivenessProbe(services.GetRequiredService<IMeterFactory>(), time, TimeSpan.FromMilliseconds(1), queued.Add);
        await probe.StartAsync(CancellationToken.None);

        // The "pool" holds the probe: nothing runs it.
        Assert.True(queued.TryTake(out var stuck, TimeSpan.FromSeconds(30)));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(2), probe.CurrentLag);
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(5, Gauge(collector));
        Assert.False(queued.TryTake(out _, TimeSpan.FromMilliseconds(50)), "a second probe was queued behind the stuck one");

        stuck!(null);
        await probe.StopAsync(CancellationToken.None);

        var lag = Assert.Single(collector.Collect().Families, f => f.Name == "clusterhost.worker.responsiveness.lag");
        var point = Assert.Single(lag.Points);
        Assert.Equal(1, point.Count);
        Assert.Equal(5, point.Sum);
        Assert.Equal(1, point.BucketCounts![Array.IndexOf(ResponsivenessProbe.LagBounds, 5.0)]);
        Assert.Equal(5, Gauge(collector)); // the latest probe's lag, now that none waits
    }

    private static double Gauge(WorkerMetricsCollector collector) =>
        Assert.Single(Assert.Single(collector.Collect().Families, f => f.Name == "clusterhost.worker.responsiveness.current_lag").Points).Value;

    /// <summary>A clock that moves only when the test says (the probe reads timestamps only).</summary>
    private sealed class SteppedTimeProvider : TimeProvider
    {
        private long _ticks = TimeSpan.TicksPerSecond;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
