using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Hosting;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Metrics;

/// <summary>
/// Nothing ClusterHost sends reaches the app as a request: no health probe in any mode (the proxy
/// judges a worker by its heartbeats), so the app's request logs and request metrics show only the
/// clients' traffic, on a .NET 10 app and on a .NET 8 one alike.
/// </summary>
public sealed partial class ProbeNoiseTests(ITestOutputHelper output)
{
    // Heartbeats come every second and the proxy acts on 3 s without one: 15 s idle would show any probe many times.
    private static readonly TimeSpan IdlePeriod = TimeSpan.FromSeconds(15);

    private static readonly string[] Modes = ["proxy", "reuseport", "shared"];

    /// <summary>The app's request counts: ASP.NET Core's (every runtime), routing's, and prometheus-net's own (UseHttpMetrics).</summary>
    private static readonly string[] RequestSeries =
        ["http_server_request_duration_seconds_count", "aspnetcore_routing_match_attempts_total", "http_requests_received_total"];

    /// <summary>The proxy front's requests to the workers: a probe would be one.</summary>
    private const string FrontToWorkers = "clusterhost_proxy_http_client_request_duration_seconds_count";

    private static double Sum(MetricsText metrics, string series) => metrics.Named(series).Sum(s => s.Value);

    private static int RequestLogLines(ClusterProcess primary, int after) =>
        primary.Lines.Skip(after).Count(l => l.StartsWith("[worker", StringComparison.Ordinal) && RequestLogPattern().IsMatch(l));

    [Fact]
    public async Task IdleClusters_EveryModeOnNet10AndNet8_NoProbeInTheAppsRequestLogsOrMetrics()
    {
        var apps = new (string Name, string Path, string Route)[]
        {
            (".NET 10 PrometheusNetApp", TestApps.Dll(TestApps.PrometheusNetApp), "/hit"),
            (".NET 8 Net8Api", await TestApps.Net8ApiSelfContainedAsync(), "/pid"),
        };
        var clusters = new List<(string Name, string Route, ClusterProcess Primary, MetricsEndpoint Metrics)>();
        var started = new List<ClusterProcess>();
        try
        {
            // One after the other: a dozen workers starting at once on a loaded machine may not
            // connect within their 10 s.
            foreach (var (name, path, route) in apps)
            {
                foreach (var mode in Modes)
                {
                    for (var attempt = 1; ; attempt++)
                    {
                        var primary = ClusterProcess.StartPrimary(output,
                            "--app", path, "--mode", mode, "--workers", "2", "--urls", "http://127.0.0.1:0",
                            // Request logs on, whatever an appsettings.json in the working directory says.
                            "--", "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information");
                        started.Add(primary);
                        var metrics = await MetricsEndpoint.WaitForAsync(primary);
                        try
                        {
                            await primary.WaitForReadyAsync();
                            clusters.Add(($"{name}, {mode}", route, primary, metrics));
                            break;
                        }
                        catch (TimeoutException) when (attempt == 1 && primary.Output.Contains("did not connect to the primary within", StringComparison.Ordinal))
                        {
                            // A machine so loaded that a worker process took over 10 s to reach the
                            // hook (exit 4, by design): not what this test is about; once more.
                            metrics.Dispose();
                        }
                    }
                }
            }
            var before = await Task.WhenAll(clusters.Select(c => c.Metrics.ScrapeUntilAsync(m => m.IsUp(0) && m.IsUp(1), $"{c.Name}: both workers up")));
            var linesBefore = clusters.Select(c => c.Primary.Lines.Count).ToArray();

            await Task.Delay(IdlePeriod);

            var after = await Task.WhenAll(clusters.Select(c => c.Metrics.ScrapeAsync()));
            for (var i = 0; i < clusters.Count; i++)
            {
                var (name, _, primary, _) = clusters[i];
                var logged = RequestLogLines(primary, linesBefore[i]);
                var counted = RequestSeries.ToDictionary(series => series, series => Sum(after[i], series) - Sum(before[i], series));
                var front = Sum(after[i], FrontToWorkers) - Sum(before[i], FrontToWorkers);
                output.WriteLine($"{name}: {IdlePeriod.TotalSeconds} s idle: {logged} request log lines, "
                    + string.Join(", ", counted.Select(c => $"{c.Key} +{c.Value}")) + $", front to workers +{front}");
                Assert.Equal(0, logged);
                Assert.All(counted.Values, c => Assert.Equal(0, c));
                Assert.Equal(0, front);
            }

            // The same measurements do see a request: one to each cluster is in its logs and counts.
            using var client = new HttpClient { Timeout = ClusterProcess.Patience };
            for (var i = 0; i < clusters.Count; i++)
            {
                var (name, route, primary, metrics) = clusters[i];
                var (url, _) = await primary.WaitForReadyAsync();
                (await client.GetAsync(new Uri(url, route))).EnsureSuccessStatusCode();
                var expected = Sum(after[i], RequestSeries[0]) + 1;
                await metrics.ScrapeUntilAsync(m => Sum(m, RequestSeries[0]) == expected, $"{name}: the request counted");
                await primary.WaitForLineAsync(RequestLogPattern(), after: linesBefore[i]);
            }
        }
        finally
        {
            foreach (var (_, _, _, metrics) in clusters)
            {
                metrics.Dispose();
            }
            await Task.WhenAll(started.Select(primary => primary.DisposeAsync().AsTask()));
        }
    }

    // Microsoft.AspNetCore.Hosting.Diagnostics' "Request starting HTTP/1.1 GET ..." and "Request finished ...".
    [GeneratedRegex(@"Request (starting|finished) HTTP")]
    private static partial Regex RequestLogPattern();
}
