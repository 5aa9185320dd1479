using System.Globalization;
using System.Net.Http.Json;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Metrics;

public sealed class ProxyFrontMetricsTests(ITestOutputHelper output)
{
    private const string FrontRequests = "clusterhost_proxy_http_server_request_duration_seconds_count";
    private const string FrontCalls = "clusterhost_proxy_http_client_request_duration_seconds_count";

    [Fact]
    public async Task ProxyMode_TheFrontsOwnRequestsAndCallsToWorkers_AreCountedExactly_AndPassPromtool()
    {
        var promtool = RequiredTool.Find("promtool", "prometheus");
        await using var primary = ClusterProcess.StartPrimary(output, "--mode", "proxy", "--workers", "2", "--urls", "http://127.0.0.1:0");
        using var metrics = await MetricsEndpoint.WaitForAsync(primary);
        var (url, _) = await primary.WaitForReadyAsync();
        const int K = 60;

        using var client = new HttpClient { BaseAddress = url };
        for (var i = 0; i < K; i++)
        {
            Assert.NotNull(await client.GetFromJsonAsync<WorkerAnswer>("/"));
        }

        var scrape = await metrics.ScrapeUntilAsync(m => FrontOk(m) >= K && m.RootRequestsByWorker().Values.Sum() >= K, $"the front and the workers counted {K} requests");
        output.WriteLine(string.Join('\n', scrape.Text.Split('\n').Where(l => l.StartsWith("clusterhost_proxy_", StringComparison.Ordinal) && l.Contains("_count", StringComparison.Ordinal))));

        // Every request through the front, once; and the workers counted the same requests.
        Assert.Equal(K, FrontOk(scrape));
        Assert.Equal(K, scrape.RootRequestsByWorker().Values.Sum());
        Assert.All(scrape.Named(FrontRequests), s => Assert.Null(s["worker"]));
        // The front's calls to the workers: the K requests, plus the active health probes.
        Assert.True(scrape.Named(FrontCalls).Sum(s => s.Value) >= K, "the front's HTTP client counted fewer calls than requests");
        Assert.Contains("clusterhost_proxy_kestrel_active_connections", scrape.FamilyTypes.Keys);

        var (exitCode, promtoolOutput) = await MetricsEndpointTests.RunAsync(promtool, ["check", "metrics"], scrape.Text);
        Assert.True(exitCode == 0 && promtoolOutput.Length == 0, $"promtool check metrics exited {exitCode}:\n{promtoolOutput}");
        var reference = await File.ReadAllTextAsync(RepoPaths.MetricsReference);
        var undocumented = scrape.FamilyTypes.Where(f => !reference.Contains($"| `{f.Key}` | {f.Value} |", StringComparison.Ordinal)).ToList();
        Assert.True(undocumented.Count == 0, "docs/metrics.md lacks a '| `name` | type |' row for: " + string.Join(", ", undocumented.Select(f => $"{f.Key} ({f.Value})")));
    }

    private static double FrontOk(MetricsText scrape) =>
        scrape.Named(FrontRequests).Where(s => s["http_response_status_code"] == "200").Sum(s => s.Value);
}
