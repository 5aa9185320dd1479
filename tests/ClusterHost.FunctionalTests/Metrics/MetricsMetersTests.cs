using ClusterHost.FunctionalTests.Hosting;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Metrics;

/// <summary><c>--metrics-meters</c> (config key Cluster:MetricsMeters, env Cluster__MetricsMeters): which meters the workers collect.</summary>
public sealed class MetricsMetersTests(ITestOutputHelper output)
{
    [Fact]
    public async Task IncludePatternFromTheEnvironment_ExportsOnlyThoseMeters_AndClusterHostsOwn()
    {
        await using var primary = ClusterProcess.StartPrimary(output,
            new Dictionary<string, string> { ["Cluster__MetricsMeters"] = "TestApp.*" },
            "--app", TestApps.Dll(TestApps.PrometheusNetApp), "--workers", "1", "--urls", "http://127.0.0.1:0");
        using var metrics = await MetricsEndpoint.WaitForAsync(primary);
        var (url, _) = await primary.WaitForReadyAsync();
        using var client = new HttpClient { Timeout = ClusterProcess.Patience };
        await client.GetStringAsync(new Uri(url, "/hit"));

        var scrape = await metrics.ScrapeUntilAsync(m => m.Value("testapp_orders_placed_total", ("worker", "0")) == 1, "the app's meter counted the request");

        Assert.Equal(1, scrape.Value("testapp_hidden_calls_total", ("worker", "0")));
        Assert.Contains("clusterhost_worker_responsiveness_lag_seconds", scrape.FamilyTypes.Keys);
        Assert.DoesNotContain(scrape.FamilyTypes.Keys, f => f.StartsWith("http_server_", StringComparison.Ordinal) || f.StartsWith("kestrel_", StringComparison.Ordinal) || f.StartsWith("dotnet_gc_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadPattern_PrintsOneLine_ExitsTwo()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--metrics-meters", "MyApp.*,System.[Net]", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, await primary.WaitForExitAsync());
        var line = Assert.Single(primary.StandardError);
        Assert.Contains("--metrics-meters has 'System.[Net]', which is not a meter pattern", line, StringComparison.Ordinal);
    }
}
