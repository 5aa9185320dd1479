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
}
