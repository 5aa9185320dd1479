using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Metrics;

public sealed class MetricsEndpointTests(ITestOutputHelper output)
{
    private const int SIGCONT = 18;
    private const int SIGSTOP = 19;

    /// <summary>The bound docs/metrics.md states for a scrape with a stopped worker is 1 s; this allows for a loaded machine.</summary>
    private static readonly TimeSpan ScrapeBoundWithSlack = TimeSpan.FromSeconds(5);

    private ClusterProcess StartPrimary(int workers = 2, params string[] extra) =>
        ClusterProcess.StartPrimary(output, ["--workers", workers.ToString(CultureInfo.InvariantCulture), "--urls", "http://127.0.0.1:0", .. extra]);

    /// <summary>Sends requests over fresh connections until <paramref name="done"/>; returns how many each worker answered.</summary>
    private static async Task<Dictionary<int, int>> SendRequestsAsync(Uri url, Func<Dictionary<int, int>, bool> done, int max = 2000)
    {
        using var client = SampleAppClient.FreshConnections(url);
        var served = new Dictionary<int, int>();
        for (var i = 0; i < max && !done(served); i++)
        {
            var answer = await client.GetAsync();
            served[answer.Worker] = served.GetValueOrDefault(answer.Worker) + 1;
        }
        Assert.True(done(served), $"after {max} requests, still not done: {string.Join(", ", served)}");
        return served;
    }

    [Fact]
    public async Task LiveScrape_PassesPromtoolWithoutErrorsOrLintWarnings_AndEveryFamilyIsDocumented()
    {
        var promtool = RequiredTool.Find("promtool", "prometheus");
        await using var primary = StartPrimary();
        using var metrics = await MetricsEndpoint.WaitForAsync(primary);
        var (url, _) = await primary.WaitForReadyAsync();
        await SendRequestsAsync(url, served => served.Count == 2 && served.Values.All(n => n >= 5));

        var (scrape, _, contentType) = await metrics.ScrapeWithDetailsAsync();

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", contentType);
        var (exitCode, promtoolOutput) = await RunAsync(promtool, ["check", "metrics"], scrape.Text);
        output.WriteLine($"promtool check metrics: exit {exitCode}, {scrape.Samples.Count} samples, {scrape.FamilyTypes.Count} families, output: '{promtoolOutput}'");
        Assert.True(exitCode == 0 && promtoolOutput.Length == 0, $"promtool check metrics exited {exitCode}:\n{promtoolOutput}");

        // Acceptance 7: docs/metrics.md documents every family the scrape holds, with its type.
        var reference = await File.ReadAllTextAsync(RepoPaths.MetricsReference);
        var undocumented = scrape.FamilyTypes.Where(f => !reference.Contains($"| `{f.Key}` | {f.Value} |", StringComparison.Ordinal)).ToList();
        Assert.True(undocumented.Count == 0, "docs/metrics.md lacks a '| `name` | type |' row for: " + string.Join(", ", undocumented.Select(f => $"{f.Key} ({f.Value})")));
        foreach (var family in new[] { "http_server_request_duration_seconds", "kestrel_active_connections", "kestrel_connection_duration_seconds",
            "dotnet_process_cpu_time_seconds_total", "dotnet_process_memory_working_set_bytes", "dotnet_gc_collections_total",
            "dotnet_thread_pool_queue_length", "dotnet_thread_pool_thread_count_current", "dotnet_monitor_lock_contentions_total",
            "clusterhost_worker_responsiveness_lag_seconds", "clusterhost_worker_info", "clusterhost_worker_exits_total" })
        {
            Assert.Contains(family, scrape.FamilyTypes.Keys);
        }

        // Only GET and HEAD on /metrics.
        using (var head = await metrics.SendAsync(HttpMethod.Head, "/metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        }
        using (var post = await metrics.SendAsync(HttpMethod.Post, "/metrics"))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        }
        using (var other = await metrics.SendAsync(HttpMethod.Get, "/"))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }
    }

    [Theory]
    [InlineData("reuseport")]
    [InlineData("shared")]
    [InlineData("handoff")]
    public async Task PerWorkerRequestCounts_SumToExactlyTheRequestsSent_WithTwoWorkersServing(string mode)
    {
        await using var primary = StartPrimary(2, "--mode", mode);
        using var metrics = await MetricsEndpoint.WaitForAsync(primary);
        var (url, _) = await primary.WaitForReadyAsync();
        const int K = 150;

        var served = await SendRequestsAsync(url, s => s.Values.Sum() == K, max: K);

        var scrape = await metrics.ScrapeUntilAsync(m => m.RootRequestsByWorker().Values.Sum() >= K, $"the workers counted {K} requests to /");
        var counted = scrape.RootRequestsByWorker();
        output.WriteLine($"served by worker: {string.Join(", ", served.OrderBy(s => s.Key))}; counted: {string.Join(", ", counted.OrderBy(c => c.Key))}");
        Assert.Equal(K, counted.Values.Sum());
        Assert.True(counted.Count(c => c.Value > 0) >= 2, "fewer than two workers served requests");
        foreach (var (worker, count) in served)
        {
            Assert.Equal(count, counted[MetricsText.W(worker)]);
        }
        // Nothing more arrives later: the sum stays exactly K.
        await Task.Delay(500);
        Assert.Equal(K, (await metrics.ScrapeAsync()).RootRequestsByWorker().Values.Sum());
    }

    [Fact]
    public async Task StoppedWorker_ScrapeStillAnswersWithinTheBound_SlotNotUp_UpAgainAfterSigcont()
    {
        await using var primary = StartPrimary();
        using var metrics = await MetricsEndpoint.WaitForAsync(primary);
        var (_, pids) = await primary.WaitForReadyAsync();
        await metrics.ScrapeUntilAsync(m => m.IsUp(0) && m.IsUp(1), "both workers up");

        Signals.Send(pids[0], SIGSTOP);
        try
        {
            var deadline = DateTime.UtcNow + ClusterProcess.Patience;
            while (!ProcessTable.IsStopped(pids[0]) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }
            Assert.True(ProcessTable.IsStopped(pids[0]), "worker 0 did not stop after SIGSTOP");
            for (var i = 0; i < 3; i++)
            {
                var (scrape, elapsed, _) = await metrics.ScrapeWithDetailsAsync();
                output.WriteLine($"scrape {i + 1} with worker 0 stopped: {elapsed.TotalMilliseconds:F0} ms");
                Assert.True(elapsed < ScrapeBoundWithSlack, $"the scrape took {elapsed} with a stopped worker");
                Assert.False(scrape.IsUp(0));
                Assert.True(scrape.IsUp(1));
                Assert.DoesNotContain(scrape.Samples, s => s["worker"] == "0" && !s.Name.StartsWith("clusterhost_worker_", StringComparison.Ordinal));
                Assert.Contains(scrape.Samples, s => s["worker"] == "1" && s.Name == "dotnet_process_cpu_time_seconds_total");
                // Known from the earlier scrape: which process to look at is still reported.
                Assert.Equal(pids[0].ToString(CultureInfo.InvariantCulture), scrape.Named("clusterhost_worker_info").Single(s => s["worker"] == "0")["pid"]);
            }
        }
        finally
        {
            Signals.Send(pids[0], SIGCONT);
        }

        var resumed = await metrics.ScrapeUntilAsync(m => m.IsUp(0), "worker 0 up again after SIGCONT");
        Assert.True(resumed.IsUp(1));
        Assert.Contains(resumed.Samples, s => s["worker"] == "0" && s.Name == "dotnet_process_cpu_time_seconds_total");
    }

    [Fact]
    public async Task RestartedWorker_CountsFromZeroUnderTheSameLabel_AndItsExitsCounterIncreases()
    {
        await using var primary = StartPrimary();
        using var metrics = await MetricsEndpoint.WaitForAsync(primary);
        var (url, pids) = await primary.WaitForReadyAsync();
        var before = await SendRequestsAsync(url, s => s.GetValueOrDefault(0) >= 5 && s.GetValueOrDefault(1) >= 1);
        var first = await metrics.ScrapeUntilAsync(m => m.RootRequestsByWorker().GetValueOrDefault("0") == before[0], "worker 0 counted its requests");
        Assert.Equal(0, first.Value("clusterhost_worker_exits_total", ("worker", "0"), ("reason", "crash")));
        var linesBefore = primary.Lines.Count;

        Signals.Send(pids[0], Signals.SIGKILL);
        var replacement = int.Parse(
            (await primary.WaitForLineAsync(new Regex(@"Worker 0 \(pid (\d+)\) ready"), after: linesBefore)).Groups[1].Value,
            CultureInfo.InvariantCulture);
        var after = await SendRequestsAsync(url, s => s.GetValueOrDefault(0) >= 2);

        var second = await metrics.ScrapeUntilAsync(
            m => m.IsUp(0) && m.RootRequestsByWorker().GetValueOrDefault("0") == after[0],
            $"the new worker 0 counted exactly its own {after[0]} requests");
        output.WriteLine($"worker 0 before restart: {before[0]} requests, pid {pids[0]}; after: {after[0]} requests, pid {replacement}");
        Assert.Equal(1, second.Value("clusterhost_worker_exits_total", ("worker", "0"), ("reason", "crash")));
        Assert.Equal(0, second.Value("clusterhost_worker_exits_total", ("worker", "1"), ("reason", "crash")));
        Assert.Equal(before.GetValueOrDefault(1) + after.GetValueOrDefault(1), second.RootRequestsByWorker()["1"]);
        var info = second.Named("clusterhost_worker_info").Single(s => s["worker"] == "0");
        Assert.Equal(replacement.ToString(CultureInfo.InvariantCulture), info["pid"]);
        Assert.True(second.Value("clusterhost_worker_start_time_seconds", ("worker", "0")) >= first.Value("clusterhost_worker_start_time_seconds", ("worker", "0")));
    }

    [Fact]
    public async Task MetricsUrlsNone_ServesNoEndpoint()
    {
        await using var primary = StartPrimary(1, "--metrics-urls", "none");
        await primary.WaitForReadyAsync();

        Assert.Contains(primary.Lines, l => l.Contains("Metrics endpoint off (--metrics-urls none)", StringComparison.Ordinal));
        Assert.DoesNotContain(primary.Lines, l => l.Contains("Metrics at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MetricsPortInUse_PrintsOneLine_ExitsOne_StartsNoWorker()
    {
        using var occupied = new OccupiedPort();

        await using var primary = StartPrimary(1, "--metrics-urls", occupied.Url);

        Assert.Equal(1, await primary.WaitForExitAsync());
        Assert.Contains("cannot serve metrics on --metrics-urls", Assert.Single(primary.StandardError), StringComparison.Ordinal);
        Assert.DoesNotContain(primary.Lines, l => l.Contains("starting (pid", StringComparison.Ordinal));
    }

    internal static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] args, string input)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(ClusterProcess.Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"{program} did not exit within {ClusterProcess.Patience}");
        }
        return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
    }
}
