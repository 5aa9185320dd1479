using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Hosting;

/// <summary>
/// An app run by the installed clusterhost tool with two workers, as a user runs it:
/// <c>clusterhost App.dll --workers 2 --mode MODE</c> in a directory of the test's choosing.
/// Disposing it kills the primary and its workers, even when the test failed.
/// </summary>
internal sealed partial class ToolCluster : IAsyncDisposable
{
    private ToolCluster(ClusterProcess primary) => Primary = primary;

    public ClusterProcess Primary { get; }

    public Uri Url { get; private set; } = null!;

    public int[] Pids { get; private set; } = [];

    public MetricsEndpoint Metrics { get; private set; } = null!;

    /// <summary>Lines the primary printed up to "ready".</summary>
    public IReadOnlyList<string> StartupLines { get; private set; } = [];

    public static async Task<ToolCluster> StartAsync(InstalledTool tool, ITestOutputHelper output, string appDll, string mode, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null, params string[] options)
    {
        var cluster = new ToolCluster(ClusterProcess.StartProgram(output, tool.Command,
            [appDll, "--workers", "2", "--mode", mode, "--urls", "http://127.0.0.1:0", "--metrics-urls", "http://127.0.0.1:0", .. options],
            workingDirectory, environment ?? new Dictionary<string, string?>(), tool.ToolPath, Path.GetDirectoryName(appDll)!));
        try
        {
            cluster.Metrics = await MetricsEndpoint.WaitForAsync(cluster.Primary);
            (cluster.Url, cluster.Pids) = await cluster.Primary.WaitForReadyAsync();
            cluster.StartupLines = cluster.Primary.Lines;
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Worker exits the primary logged before it was ready (a worker that failed its first start).</summary>
    public IReadOnlyList<string> FailedStarts() =>
        [.. StartupLines.Where(l => WorkerExitPattern().IsMatch(l))];

    /// <summary>
    /// Requests each worker has counted on routes matching <paramref name="route"/>, from the
    /// primary's /metrics: the app cannot tell which process served it, ClusterHost can. Scrapes
    /// until they add up to at least <paramref name="total"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, double>> RequestsByWorkerAsync(Func<string, bool> route, int total)
    {
        IReadOnlyDictionary<string, double> Count(MetricsText metrics) =>
            metrics.Named("http_server_request_duration_seconds_count")
                .Where(s => s["http_route"] is { } r && route(r))
                .GroupBy(s => s["worker"]!)
                .ToDictionary(g => g.Key, g => g.Sum(s => s.Value));
        var metrics = await Metrics.ScrapeUntilAsync(m => Count(m).Values.Sum() >= total, $"{total} requests counted");
        return Count(metrics);
    }

    /// <summary>SIGTERM: the primary exits 0 and leaves no process behind.</summary>
    public async Task StopAsync()
    {
        Primary.Signal(Signals.SIGTERM);
        Assert.Equal(0, await Primary.WaitForExitAsync());
        Assert.Empty(await Primary.WaitForNoLiveProcessesAsync(ClusterProcess.Patience));
        Assert.All(Pids, pid => Assert.False(ProcessTable.IsAlive(pid), $"worker pid {pid} still runs"));
    }

    public async ValueTask DisposeAsync()
    {
        Metrics?.Dispose();
        await Primary.DisposeAsync();
    }

    [GeneratedRegex(@"Worker \d+ \(pid \d+\).*exit")]
    private static partial Regex WorkerExitPattern();
}
