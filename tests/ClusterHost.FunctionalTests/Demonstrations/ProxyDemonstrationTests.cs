using System.Diagnostics;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Demonstrations;

/// <summary>The demonstrations in proxy mode: request-level balancing, and routing around a blocked worker.</summary>
public sealed class ProxyDemonstrationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Proxy_RequestsOnOneKeepAliveConnection_ReachEveryWorker()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--mode", "proxy", "--workers", "2", "--urls", "http://127.0.0.1:0");
        var (url, pids) = await primary.WaitForReadyAsync();

        using var client = SampleAppClient.KeepAlive(url);
        var answers = new List<WorkerAnswer>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await client.GetAsync());
        }

        Assert.Equal(pids.Order(), answers.Select(a => a.Pid).Distinct().Order());
    }

    [Fact]
    public async Task Proxy_StickinessScenario_ShowsKeepAliveConnectionsServedBySeveralWorkers()
    {
        using var results = new TempDirectory();
        await using var runner = ClusterProcess.StartLoadTests(output, "stickiness", "--mode", "proxy", "--workers", "2", "--json", results.File("run.json"));

        Assert.Equal(0, await runner.WaitForExitAsync());
        var run = ScenarioRun.Load(results.File("run.json"));

        var keepAlive = run.Requests.Where(r => r.Kind == "Load").GroupBy(r => r.Connection).ToList();
        Assert.Equal(8, keepAlive.Count);
        // Round-robin is global: with 8 connections in lockstep one connection can draw the same
        // worker every time, so the property is asserted over the connections, not for each
        // (the single-connection test above asserts it for one connection on its own).
        var spread = keepAlive.Count(connection => connection.Select(r => r.Pid).Distinct().Count() == 2);
        Assert.True(spread >= keepAlive.Count / 2, $"only {spread} of {keepAlive.Count} keep-alive connections were served by both workers");
        await DemonstrationTests.AssertNothingLeftAsync(runner, run);
    }

    [Fact]
    public async Task ProxyLeastRequests_WhileOneWorkerIsBlocked_NewRequestsAreAnsweredByTheOtherDuringTheBlock()
    {
        await using var primary = ClusterProcess.StartPrimary(output,
            "--mode", "proxy", "--balance", "least-requests", "--workers", "2", "--urls", "http://127.0.0.1:0", "--", "--SampleApp:EnableFaults=true");
        var (url, _) = await primary.WaitForReadyAsync();
        using var blocker = SampleAppClient.KeepAlive(url);
        using var client = SampleAppClient.KeepAlive(url);
        // Warm both connections, both proxy-to-worker connections and both workers up before the
        // block: a worker's first requests are JIT-compiled (100 ms or more here), which is not what
        // this test measures. Two requests at once, so that least-requests sends one to each worker.
        var warmed = new Dictionary<int, int>();
        for (var i = 0; i < 50 && (warmed.Count < 2 || warmed.Values.Min() < 10); i++)
        {
            foreach (var answer in await Task.WhenAll(client.GetAsync(), blocker.GetAsync()))
            {
                warmed[answer.Pid] = warmed.GetValueOrDefault(answer.Pid) + 1;
            }
        }
        Assert.True(warmed.Count == 2, $"the warm-up reached only {string.Join(", ", warmed.Keys)}");

        var clock = Stopwatch.StartNew();
        var linesBefore = primary.Lines.Count;
        var block = blocker.GetAsync("/block?ms=3000");
        await primary.WaitForLineAsync(new Regex("Blocking this process for 3000 ms"), after: linesBefore);
        // Timed on a dedicated thread with blocking calls, so that the test host's own scheduling
        // (xunit runs async continuations on as many threads as there are cores) is not measured.
        var answers = await Task.Factory.StartNew(() =>
        {
            var timed = new List<(int Pid, TimeSpan Took, TimeSpan At)>();
            for (var i = 0; i < 10; i++)
            {
                var request = Stopwatch.StartNew();
                var answer = client.GetAsync().GetAwaiter().GetResult();
                timed.Add((answer.Pid, request.Elapsed, clock.Elapsed));
            }
            return timed;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var blocked = (await block).Pid;
        var blockEnded = clock.Elapsed;

        // Routed around the blocked worker: every answer comes from the other one, while the block
        // lasts (a request sent to the blocked worker would be answered by it, after the block).
        output.WriteLine($"answered in {string.Join(", ", answers.Select(a => $"{a.Took.TotalMilliseconds:0}"))} ms; block ended at {blockEnded.TotalMilliseconds:0} ms");
        Assert.All(answers, a => Assert.NotEqual(blocked, a.Pid));
        Assert.True(answers[^1].At < blockEnded, "the requests were not all answered during the block");
    }
}
