using System.Globalization;
using ClusterHost.FunctionalTests.Hosting;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Metrics;

/// <summary>
/// An unmodified app's own metrics under the cluster (docs/metrics.md, "The app's own metrics"):
/// its System.Diagnostics.Metrics meters and its prometheus-net registry, per worker on the
/// primary's /metrics, merged into one family each.
/// </summary>
public sealed class AppMetricsTests(AppMetricsCluster cluster, ITestOutputHelper output) : IClassFixture<AppMetricsCluster>
{
    /// <summary>The app's families that count every /hit: its meter's and prometheus-net's, counters and histograms (and a summary).</summary>
    private static readonly string[] CountingSeries =
    [
        "testapp_orders_placed_total", "testapp_orders_value_seconds_count",
        "testapp_hits_total", "testapp_hit_duration_seconds_count", "testapp_hit_size_bytes_count",
    ];

    private static IReadOnlyDictionary<string, double> ByWorker(MetricsText metrics, string series) =>
        metrics.Named(series).GroupBy(s => s["worker"]!).ToDictionary(g => g.Key, g => g.Sum(s => s.Value));

    private async Task<MetricsText> ScrapeAllCountedAsync() =>
        await cluster.Metrics.ScrapeUntilAsync(
            m => CountingSeries.All(series => ByWorker(m, series).Values.Sum() == AppMetricsCluster.Requests),
            $"every counting family sums to {AppMetricsCluster.Requests}");

    [Fact]
    public async Task AppMetersAndPrometheusNet_PerWorker_SumToTheRequestsSent_PromtoolClean()
    {
        var promtool = RequiredTool.Find("promtool", "prometheus");
        var metrics = await ScrapeAllCountedAsync();
        var pidOfWorker = metrics.Named("clusterhost_worker_info").ToDictionary(s => s["worker"]!, s => int.Parse(s["pid"]!, CultureInfo.InvariantCulture));
        output.WriteLine($"served by pid: {string.Join(", ", cluster.ServedByPid)}; {metrics.Text.Length} bytes, {metrics.FamilyTypes.Count} families");

        foreach (var series in CountingSeries)
        {
            var byWorker = ByWorker(metrics, series);
            output.WriteLine($"{series}: {string.Join(", ", byWorker.OrderBy(w => w.Key))}");
            Assert.Equal(["0", "1"], byWorker.Keys.Order());
            foreach (var (worker, count) in byWorker)
            {
                Assert.Equal(cluster.ServedByPid.GetValueOrDefault(pidOfWorker[worker]), count);
            }
        }
        // One HELP and one TYPE per family, across both workers; histograms and summaries intact.
        foreach (var family in new[] { "testapp_orders_placed_total", "testapp_orders_value_seconds", "testapp_hits_total", "testapp_hit_duration_seconds", "testapp_hit_size_bytes" })
        {
            Assert.Single(metrics.Text.Split('\n'), l => l.StartsWith($"# TYPE {family} ", StringComparison.Ordinal));
            Assert.Single(metrics.Text.Split('\n'), l => l.StartsWith($"# HELP {family} ", StringComparison.Ordinal));
        }
        Assert.Equal("summary", metrics.FamilyTypes["testapp_hit_size_bytes"]);
        Assert.Contains(metrics.Named("testapp_hit_size_bytes"), s => s["worker"] == "1" && s["quantile"] == "0.5");
        Assert.Contains(metrics.Named("testapp_hit_duration_seconds_bucket"), s => s["worker"] == "0" && s["le"] == "+Inf");
        // The app's own "worker" label stays; the slot id goes in clusterhost_worker.
        Assert.Equal(2, metrics.Named("testapp_jobs_total").Count(s => s["worker"] == "mailer" && s["clusterhost_worker"] is "0" or "1"));
        // --metrics-meters: every meter but the one excluded.
        Assert.DoesNotContain("testapp_hidden_calls_total", metrics.FamilyTypes.Keys);
        Assert.Contains("kestrel_active_connections", metrics.FamilyTypes.Keys);
        Assert.Contains("aspnetcore_routing_match_attempts_total", metrics.FamilyTypes.Keys);

        var (exitCode, promtoolOutput) = await MetricsEndpointTests.RunAsync(promtool, ["check", "metrics"], metrics.Text);
        Assert.True(exitCode == 0 && promtoolOutput.Length == 0, $"promtool check metrics exited {exitCode}:\n{promtoolOutput}");
    }

    [Fact]
    public async Task Prometheus_SumWithoutWorker_IsTheRequestsSent_ForEachAppFamily()
    {
        await ScrapeAllCountedAsync();
        var config = (await File.ReadAllTextAsync(RepoPaths.PrometheusConfig))
            .Replace("127.0.0.1:9464", cluster.Metrics.Url.Authority, StringComparison.Ordinal)
            .Replace("scrape_interval: 5s", "scrape_interval: 1s", StringComparison.Ordinal)
            .Replace("scrape_timeout: 4s", "scrape_timeout: 1s", StringComparison.Ordinal);
        await using var prometheus = await PrometheusServer.StartAsync(config, output);

        foreach (var series in CountingSeries)
        {
            var promql = $"sum without(worker) ({series})";
            var result = await prometheus.QueryUntilDataAsync(promql, ClusterProcess.Patience);
            var value = double.Parse(Assert.Single(result).GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            output.WriteLine($"{promql} = {value}");
            Assert.Equal(AppMetricsCluster.Requests, value);
        }
    }

    [Fact]
    public async Task AppsOwnMetricsRoute_OnThePublicPort_AnswersWithEveryWorkersRegistryMerged()
    {
        var metrics = await ScrapeAllCountedAsync();
        var pidOfWorker = metrics.Named("clusterhost_worker_info").ToDictionary(s => s["worker"]!, s => int.Parse(s["pid"]!, CultureInfo.InvariantCulture));

        // Whichever worker the connection reaches answers for the whole cluster, as on the primary.
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = ClusterProcess.Patience };
        client.DefaultRequestHeaders.ConnectionClose = true;
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync(new Uri(cluster.Url, "/metrics"));
            response.EnsureSuccessStatusCode();
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            var text = await response.Content.ReadAsStringAsync();
            var route = new MetricsText(text);
            foreach (var series in new[] { "testapp_hits_total", "testapp_hit_duration_seconds_count", "testapp_hit_size_bytes_count" })
            {
                var byWorker = ByWorker(route, series);
                output.WriteLine($"public /metrics #{i}: {series}: {string.Join(", ", byWorker.OrderBy(w => w.Key))}");
                Assert.Equal(["0", "1"], byWorker.Keys.Order());
                Assert.Equal(AppMetricsCluster.Requests, byWorker.Values.Sum());
                foreach (var (worker, count) in byWorker)
                {
                    Assert.Equal(cluster.ServedByPid.GetValueOrDefault(pidOfWorker[worker]), count);
                }
            }
            // The app's prometheus-net families only (not ClusterHost's own, nor its translation of
            // the app's meters), merged as on the primary: one HELP and TYPE each.
            Assert.DoesNotContain("clusterhost_worker_up", route.FamilyTypes.Keys);
            Assert.DoesNotContain("testapp_orders_placed_total", route.FamilyTypes.Keys);
            Assert.Single(text.Split('\n'), l => l.StartsWith("# TYPE testapp_hit_duration_seconds ", StringComparison.Ordinal));
            Assert.Equal(2, route.Named("testapp_jobs_total").Count(s => s["worker"] == "mailer" && s["clusterhost_worker"] is "0" or "1"));
            if (i == 0)
            {
                var (exitCode, promtoolOutput) = await MetricsEndpointTests.RunAsync(RequiredTool.Find("promtool", "prometheus"), ["check", "metrics"], text);
                Assert.True(exitCode == 0 && promtoolOutput.Length == 0, $"promtool check metrics exited {exitCode}:\n{promtoolOutput}");
            }
        }
    }
}
