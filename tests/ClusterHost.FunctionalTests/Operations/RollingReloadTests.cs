using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Operations;

public sealed class RollingReloadTests(ITestOutputHelper output)
{
    // reuseport and proxy are covered, under clients that never retry, by
    // NonRetryingClientTests.FiveReloads_UnderPythonAndWrk_FailNoRequest_AndWrkSeesNoSocketError.
    [Theory]
    [InlineData("shared")]
    [InlineData("handoff")]
    public async Task Sighup_UnderLoad_ReplacesEveryWorker_WithNoFailedRequest(string mode)
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--mode", mode, "--workers", "2", "--urls", "http://127.0.0.1:0");
        var (url, oldPids) = await primary.WaitForReadyAsync();
        await using var load = LoadGenerator.Start(url, keepAliveClients: 4, freshConnectionClients: 4);
        await load.WaitForSuccessesAsync(200);

        var before = primary.Lines.Count;
        primary.Signal(Signals.SIGHUP);
        await primary.WaitForLineAsync(new Regex("Reload finished: 2 workers replaced"), after: before);
        var atReload = load.Succeeded;
        var newPids = Regex.Matches(string.Join('\n', primary.Lines.Skip(before)), @"replacing pid \d+ with pid (\d+)")
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        // Until each new worker has served (in reuseport the kernel decides which connections reach which), bounded.
        var deadline = DateTime.UtcNow + ClusterProcess.Patience;
        while (!newPids.All(load.ByPid.ContainsKey) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        await load.StopAsync();

        output.WriteLine($"requests: {load.Succeeded} ok ({load.Succeeded - atReload} after the reload), {load.Failures.Count} failed");
        Assert.Empty(load.Failures);
        Assert.Equal(2, newPids.Length);
        Assert.All(oldPids, pid => Assert.False(ProcessTable.IsAlive(pid)));
        Assert.All(newPids, pid => Assert.True(load.ByPid.ContainsKey(pid), $"new worker {pid} served nothing"));
        if (mode == "proxy")
        {
            Assert.Contains(primary.Lines.Skip(before), l => l.Contains("Proxy: worker 0 in rotation as w0-2", StringComparison.Ordinal));
            primary.Signal(Signals.SIGTERM);
            Assert.Equal(0, await primary.WaitForExitAsync());
        }
    }

    [Fact]
    public async Task Reload_WhoseNewBuildCannotStart_KeepsTheOldWorkersServing()
    {
        var app = SampleAppCopy.Create();
        try
        {
            await using var primary = ClusterProcess.StartPrimary(output,
                "--workers", "2", "--urls", "http://127.0.0.1:0", "--start-timeout", "20", "--app", app.DllPath, "--cwd", app.Directory);
            var (url, oldPids) = await primary.WaitForReadyAsync();

            app.BreakStartup();
            var before = primary.Lines.Count;
            primary.Signal(Signals.SIGHUP);
            await primary.WaitForLineAsync(new Regex("Reload aborted at worker 0"), after: before);

            using var client = SampleAppClient.FreshConnections(url);
            var served = new HashSet<int>();
            for (var i = 0; i < 40; i++)
            {
                served.Add((await client.GetAsync()).Pid);
            }
            Assert.Equal(oldPids.Order(), served.Order());
            Assert.False(primary.HasExited);

            primary.Signal(Signals.SIGTERM);
            Assert.Equal(0, await primary.WaitForExitAsync());
        }
        finally
        {
            app.Delete();
        }
    }

    [Fact]
    public async Task SecondSighupDuringAReload_IsQueued_AndRunsAfterIt()
    {
        await using var primary = ClusterProcess.StartPrimary(output,
            "--workers", "2", "--urls", "http://127.0.0.1:0", "--", "--SampleApp:EnableFaults=true");
        var (url, _) = await primary.WaitForReadyAsync();
        // Slow requests keep a worker draining, so the reload lasts seconds, whatever the machine.
        var clients = Enumerable.Range(0, 4).Select(_ => SampleAppClient.FreshConnections(url)).ToArray();
        var slow = clients.Select(c => c.SendAsync("/delay?ms=4000")).ToArray();
        await primary.WaitForLinesAsync(new Regex("Delaying this request for 4000 ms"), slow.Length); // all in flight at the workers

        var before = primary.Lines.Count;
        primary.Signal(Signals.SIGHUP);
        await primary.WaitForLineAsync(new Regex("Reload started"), after: before);
        // One at a time: the kernel merges a signal that is already pending.
        var queued = primary.Lines.Count;
        primary.Signal(Signals.SIGHUP);
        await primary.WaitForLineAsync(new Regex("Reload requested"), after: queued);
        primary.Signal(Signals.SIGHUP);
        await primary.WaitForLineAsync(new Regex("coalesced"), after: queued);

        await primary.WaitForLineAsync(new Regex("Reload finished"), after: before);
        var second = primary.Lines.Count;
        await primary.WaitForLineAsync(new Regex("Reload finished"), after: second);
        Assert.Equal(2, primary.Lines.Skip(before).Count(l => l.Contains("Reload started", StringComparison.Ordinal)));
        foreach (var response in await Task.WhenAll(slow))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}
