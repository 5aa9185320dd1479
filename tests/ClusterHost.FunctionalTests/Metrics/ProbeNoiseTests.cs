using ClusterHost.FunctionalTests.Hosting;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Metrics;

/// <summary>The primary's health probe (proxy mode, every 2 s per worker) is not the app's traffic.</summary>
public sealed class ProbeNoiseTests(ITestOutputHelper output)
{
    private static readonly TimeSpan IdlePeriod = TimeSpan.FromSeconds(30);

    private static double Sum(MetricsText metrics, string series) => metrics.Named(series).Sum(s => s.Value);

    [Fact]
    public async Task IdleCluster_ProxyAndReusePort_NoProbeRequestInTheAppsRequestCounts()
    {
        // Both modes in one idle period; started one after the other, so that four workers do not
        // all start at once on a loaded machine (a worker that cannot connect within 10 s ends the run).
        await using var proxy = ClusterProcess.StartPrimary(output,
            "--app", TestApps.Dll(TestApps.PrometheusNetApp), "--mode", "proxy", "--workers", "2", "--urls", "http://127.0.0.1:0");
        using var proxyMetrics = await MetricsEndpoint.WaitForAsync(proxy);
        await proxy.WaitForReadyAsync();
        await using var reusePort = ClusterProcess.StartPrimary(output,
            "--app", TestApps.Dll(TestApps.PrometheusNetApp), "--mode", "reuseport", "--workers", "2", "--urls", "http://127.0.0.1:0");
        using var reusePortMetrics = await MetricsEndpoint.WaitForAsync(reusePort);
        await reusePort.WaitForReadyAsync();
        var before = await Task.WhenAll(
            proxyMetrics.ScrapeUntilAsync(m => m.IsUp(0) && m.IsUp(1), "both proxy workers up"),
            reusePortMetrics.ScrapeUntilAsync(m => m.IsUp(0) && m.IsUp(1), "both reuseport workers up"));

        await Task.Delay(IdlePeriod);

        var after = await Task.WhenAll(proxyMetrics.ScrapeAsync(), reusePortMetrics.ScrapeAsync());
        // The probes did happen: the front's calls to the workers (no client sent anything).
        var probes = Sum(after[0], "clusterhost_proxy_http_client_request_duration_seconds_count")
            - Sum(before[0], "clusterhost_proxy_http_client_request_duration_seconds_count");
        output.WriteLine($"proxy front calls to workers in {IdlePeriod.TotalSeconds} s idle: {probes}");
        Assert.True(probes >= 10, $"expected the health probe's calls in the front's metrics, saw {probes}");
        foreach (var (mode, i) in new[] { ("proxy", 0), ("reuseport", 1) })
        {
            foreach (var series in new[] { "http_server_request_duration_seconds_count", "http_requests_received_total", "aspnetcore_routing_match_attempts_total" })
            {
                var counted = Sum(after[i], series) - Sum(before[i], series);
                output.WriteLine($"{mode}: {series} +{counted}");
                Assert.Equal(0, counted);
            }
        }
    }
}
