using System.Globalization;
using System.Text.Json;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Metrics;

/// <summary>A real Prometheus scrapes the primary with the shipped configuration; the shipped dashboard has no dead panel.</summary>
public sealed class PrometheusServerTests(ITestOutputHelper output)
{
    /// <summary>What the tests put in for the dashboard's Grafana variables.</summary>
    private static readonly (string Variable, string Value)[] GrafanaVariables =
    [
        ("$__rate_interval", "10s"),
        ("${instance}", ".*"),
        ("$instance", ".*"),
        ("${worker}", ".*"),
        ("$worker", ".*"),
        // The "App metrics" family picker: any family the workers report (the SampleApp has no metrics of its own).
        ("${family}", "http_server_request_duration_seconds_count"),
        ("$family", "http_server_request_duration_seconds_count"),
    ];

    [Fact]
    public async Task Prometheus_CountsEveryWorker_AndEveryDashboardQueryReturnsData()
    {
        const int Workers = 2;
        // Proxy mode: the workers report as in every mode, and the front's panels have data too.
        await using var primary = ClusterProcess.StartPrimary(
            output, "--mode", "proxy", "--workers", Workers.ToString(CultureInfo.InvariantCulture), "--urls", "http://127.0.0.1:0");
        using var metrics = await MetricsEndpoint.WaitForAsync(primary);
        var (url, _) = await primary.WaitForReadyAsync();

        // The shipped scrape configuration, pointed at this primary and scraping every second.
        var config = (await File.ReadAllTextAsync(RepoPaths.PrometheusConfig))
            .Replace("127.0.0.1:9464", metrics.Url.Authority, StringComparison.Ordinal)
            .Replace("scrape_interval: 5s", "scrape_interval: 1s", StringComparison.Ordinal)
            .Replace("scrape_timeout: 4s", "scrape_timeout: 1s", StringComparison.Ordinal);
        Assert.Contains(metrics.Url.Authority, config, StringComparison.Ordinal);
        Assert.Contains("scrape_interval: 1s", config, StringComparison.Ordinal);

        using var traffic = new CancellationTokenSource();
        var load = SendTrafficAsync(url, traffic.Token);
        try
        {
            await using var prometheus = await PrometheusServer.StartAsync(config, output);

            // Acceptance 3.
            var count = await QueryNumberUntilAsync(prometheus, "count(count by (worker) (http_server_request_duration_seconds_count))", Workers);
            Assert.Equal(Workers, count);
            Assert.Equal(1, await QueryNumberUntilAsync(prometheus, "up{job=\"clusterhost\"}", 1));

            // Acceptance 4: every query of the dashboard returns data.
            var (expressions, variableQueries) = DashboardQueries();
            Assert.NotEmpty(expressions);
            var dead = new List<string>();
            var deadline = DateTime.UtcNow + ClusterProcess.Patience;
            foreach (var (panel, expr) in expressions.Concat(variableQueries))
            {
                var promql = Substitute(expr);
                var result = await prometheus.QueryUntilDataAsync(promql, Max(deadline - DateTime.UtcNow, TimeSpan.FromSeconds(5)));
                output.WriteLine($"{(result.Count > 0 ? "data" : "EMPTY")} ({result.Count} series) {panel}: {promql}");
                if (result.Count == 0)
                {
                    dead.Add($"{panel}: {promql}");
                }
            }
            Assert.True(dead.Count == 0, "Dashboard queries without data:\n" + string.Join('\n', dead));
        }
        finally
        {
            await traffic.CancelAsync();
            await load;
        }
    }

    /// <summary>Every target expression of every panel (rows included), and the metric each template variable reads.</summary>
    private static (List<(string Panel, string Expr)> Expressions, List<(string Panel, string Expr)> VariableQueries) DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepoPaths.GrafanaDashboard));
        var root = dashboard.RootElement;
        var expressions = new List<(string, string)>();
        var ids = new HashSet<int>();
        void Walk(JsonElement panels)
        {
            foreach (var panel in panels.EnumerateArray())
            {
                var title = panel.GetProperty("title").GetString()!;
                Assert.True(ids.Add(panel.GetProperty("id").GetInt32()), $"panel id of '{title}' is not unique");
                Assert.True(panel.TryGetProperty("gridPos", out _), $"panel '{title}' has no gridPos");
                if (panel.TryGetProperty("panels", out var nested))
                {
                    Walk(nested);
                }
                if (!panel.TryGetProperty("targets", out var targets))
                {
                    continue;
                }
                Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
                foreach (var target in targets.EnumerateArray())
                {
                    expressions.Add((title, target.GetProperty("expr").GetString()!));
                }
            }
        }
        Walk(root.GetProperty("panels"));

        var variables = new List<(string, string)>();
        foreach (var variable in root.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.GetProperty("type").GetString() == "query")
            {
                // label_values(SELECTOR, label): the selector must match series.
                var definition = variable.GetProperty("definition").GetString()!;
                var inner = definition["label_values(".Length..definition.LastIndexOf(',')];
                variables.Add(($"variable {variable.GetProperty("name").GetString()}", inner));
            }
        }
        return (expressions, variables);
    }

    private static string Substitute(string expr)
    {
        foreach (var (variable, value) in GrafanaVariables)
        {
            expr = expr.Replace(variable, value, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("$", expr, StringComparison.Ordinal);
        return expr;
    }

    private static async Task<double> QueryNumberUntilAsync(PrometheusServer prometheus, string promql, double expected)
    {
        var deadline = DateTime.UtcNow + ClusterProcess.Patience;
        double value = double.NaN;
        while (DateTime.UtcNow < deadline)
        {
            var result = await prometheus.QueryAsync(promql);
            if (result.Count == 1)
            {
                value = double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                if (value == expected)
                {
                    break;
                }
            }
            await Task.Delay(500);
        }
        return value;
    }

    /// <summary>Steady traffic on fresh connections (so connections open, close and spread over workers).</summary>
    private static async Task SendTrafficAsync(Uri url, CancellationToken cancellationToken)
    {
        using var client = SampleAppClient.FreshConnections(url);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await client.GetAsync(cancellationToken: cancellationToken);
                await Task.Delay(20, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // A failed request is the assertions' business, not the load's: keep going.
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
