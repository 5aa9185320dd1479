using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Operations;

/// <summary>Issue 17, acceptance 5: a worker that floods its stdout, or closes it, costs the cluster nothing.</summary>
[Collection(LoadSensitive.Name)]
public sealed class OutputFloodTests(ITestOutputHelper output)
{
    private sealed record Answer(int Worker, int Pid);

    [Fact]
    public async Task AStdoutFlood_LeavesTheOtherWorkersP99WithinTwiceIdle_AndMetricsWithinItsBound_AndAWorkerWithoutStdoutIsStillSupervised()
    {
        await using var primary = ClusterProcess.StartPrimary(output,
            "--mode", "proxy", "--workers", "2", "--urls", "http://127.0.0.1:0", "--metrics-urls", "http://127.0.0.1:0",
            "--", "--SampleApp:EnableFaults=true");
        var (url, _) = await primary.WaitForReadyAsync();
        using var metrics = await MetricsEndpoint.WaitForAsync(primary);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = url, Timeout = ClusterProcess.Patience };

        await MeasureAsync(http, 100); // warm up
        var idle = await MeasureAsync(http, 400);
        var idleP99 = P99(idle.Select(s => s.Ms));

        var flooder = (await http.GetFromJsonAsync<Answer>("/flood-stdout?mbps=50&seconds=15"))!.Pid;
        await primary.WaitForLineAsync(new Regex(@"bytes of output dropped"));
        var flooded = await MeasureAsync(http, 400);
        var (scrape, scrapeTook, _) = await metrics.ScrapeWithDetailsAsync();
        var others = flooded.Where(s => s.Pid != flooder).Select(s => s.Ms).ToList();
        var floodP99 = P99(others);
        output.WriteLine($"p99 idle {idleP99:F2} ms; under a 50 MB/s stdout flood from pid {flooder}: the other worker's p99 {floodP99:F2} ms "
            + $"({others.Count} requests); /metrics scrape {scrapeTook.TotalMilliseconds:F0} ms");
        Assert.True(others.Count > 100, $"only {others.Count} requests reached the other worker");
        Assert.True(floodP99 <= 2 * idleP99, $"p99 {floodP99:F2} ms under the flood, idle {idleP99:F2} ms");
        Assert.True(scrapeTook < TimeSpan.FromSeconds(1), $"/metrics took {scrapeTook}");
        Assert.True(scrape.IsUp(0) && scrape.IsUp(1), "a worker missed the scrape's 1 s bound");

        // A worker that closes its stdout is still supervised: it serves, and its death is seen and mended.
        var closer = (await http.GetFromJsonAsync<Answer>("/close-stdout"))!;
        var servedAfter = false;
        for (var i = 0; i < 20 && !servedAfter; i++)
        {
            servedAfter = (await http.GetFromJsonAsync<Answer>("/"))!.Pid == closer.Pid;
        }
        Assert.True(servedAfter, "the worker without stdout served nothing more");
        var before = primary.Lines.Count;
        Signals.Send(closer.Pid, Signals.SIGKILL);
        await primary.WaitForLineAsync(new Regex($@"Worker {closer.Worker} \(pid {closer.Pid}\) exited"), after: before);
        await primary.WaitForLineAsync(new Regex($@"Worker {closer.Worker} \(pid \d+\) ready"), after: before);

        primary.Signal(Signals.SIGTERM);
        Assert.Equal(0, await primary.WaitForExitAsync());
    }

    private static async Task<List<(int Pid, double Ms)>> MeasureAsync(HttpClient http, int count)
    {
        var samples = new List<(int Pid, double Ms)>(count);
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            var answer = await http.GetFromJsonAsync<Answer>("/");
            samples.Add((answer!.Pid, clock.Elapsed.TotalMilliseconds));
        }
        return samples;
    }

    private static double P99(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1];
    }
}
