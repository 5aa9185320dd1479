using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Operations;

public sealed class ScalingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SigttinAndSigttou_ChangeTheWorkerCountUnderLoad_WithNoFailedRequest()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--workers", "2", "--urls", "http://127.0.0.1:0");
        var (url, _) = await primary.WaitForReadyAsync();
        await using var load = LoadGenerator.Start(url, keepAliveClients: 3, freshConnectionClients: 3);
        await load.WaitForSuccessesAsync(100);

        var before = primary.Lines.Count;
        primary.Signal(Signals.SIGTTIN);
        var added = await Supervision.WorkerRestartTests.ReadyPidAsync(primary, 2);
        await WaitUntilServedAsync(load, added);

        primary.Signal(Signals.SIGTTOU);
        await primary.WaitForLineAsync(new Regex($@"Worker 2 \(pid {added}\) drained"), after: before);
        await load.WaitForSuccessesAsync(200);
        await load.StopAsync();

        output.WriteLine($"requests: {load.Succeeded} ok, {load.Failures.Count} failed; by pid: {string.Join(", ", load.ByPid.Select(p => $"{p.Key}={p.Value}"))}");
        Assert.Empty(load.Failures);
        Assert.False(ProcessTable.IsAlive(added));
        Assert.Contains(primary.Lines, l => l.Contains("Scaled up: worker 2 added (3 workers)", StringComparison.Ordinal));
        Assert.Contains(primary.Lines, l => l.Contains("Scaling down: draining worker 2 (2 workers remain)", StringComparison.Ordinal));
        // --worker-gc auto: once there are more workers than CPUs, the workers launched from then on
        // get workstation GC, and the primary says so when a scale crosses that line (either way).
        var gcLines = primary.Lines.Where(l => l.Contains("Workers' GC:", StringComparison.Ordinal)).ToList();
        if (Environment.ProcessorCount == 2)
        {
            Assert.Equal(3, gcLines.Count);
            Assert.Contains("DOTNET_gcServer=0", gcLines[1], StringComparison.Ordinal);
            Assert.Contains("3 workers on 2 CPUs", gcLines[1], StringComparison.Ordinal);
            Assert.Contains("the runtime's defaults", gcLines[2], StringComparison.Ordinal);
        }
        else
        {
            Assert.Single(gcLines);
        }
    }

    [Fact]
    public async Task Sigttou_NeverRemovesTheLastWorker()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--workers", "1", "--urls", "http://127.0.0.1:0");
        var (url, pids) = await primary.WaitForReadyAsync();

        primary.Signal(Signals.SIGTTOU);
        await primary.WaitForLineAsync(new Regex("Scale-down refused"));

        using var client = SampleAppClient.FreshConnections(url);
        Assert.Equal(pids[0], (await client.GetAsync()).Pid);
    }

    private static async Task WaitUntilServedAsync(LoadGenerator load, int pid)
    {
        var deadline = DateTime.UtcNow + ClusterProcess.Patience;
        while (!load.ByPid.ContainsKey(pid) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.True(load.ByPid.ContainsKey(pid), $"the added worker {pid} served nothing");
    }
}
