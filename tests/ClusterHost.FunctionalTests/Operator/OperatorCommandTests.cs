using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Operator;

/// <summary><c>clusterhost scale</c>, <c>reload</c> and <c>stop</c> against real clusters: each waits for its outcome.</summary>
public sealed partial class OperatorCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ScaleThreeThenOne_UnderLoad_ReturnsAtEachTarget_WithNoFailedRequest()
    {
        using var directory = new TempDirectory();
        var socket = directory.File("c.sock");
        await using var primary = ClusterProcess.StartPrimary(output, "--workers", "2", "--urls", "http://127.0.0.1:0", "--control-socket", socket);
        var (url, _) = await primary.WaitForReadyAsync();
        await using var load = LoadGenerator.Start(url, keepAliveClients: 2, freshConnectionClients: 2);
        await load.WaitForSuccessesAsync(100);

        var up = await OperatorCommand.RunAsync(output, ["scale", "3", "--control-socket", socket]);
        Assert.Equal(0, up.ExitCode);
        Assert.Contains("3 workers ready", up.Output, StringComparison.Ordinal);
        var atThree = await OperatorCommand.StatusAsync(output, socket);
        Assert.Equal(new[] { "ready", "ready", "ready" }, atThree["workers"]!.AsArray().Select(w => (string)w!["state"]!));

        var down = await OperatorCommand.RunAsync(output, ["scale", "1", "--control-socket", socket]);
        Assert.Equal(0, down.ExitCode);
        Assert.Contains("worker 2 drained and removed", down.Output, StringComparison.Ordinal);
        Assert.Contains("worker 1 drained and removed", down.Output, StringComparison.Ordinal);
        var atOne = await OperatorCommand.StatusAsync(output, socket);
        Assert.Equal(new[] { "ready" }, atOne["workers"]!.AsArray().Select(w => (string)w!["state"]!));
        Assert.All(atThree["workers"]!.AsArray().Skip(1), w => Assert.False(ProcessTable.IsAlive(w!["pid"]!.GetValue<int>())));

        await load.WaitForSuccessesAsync(load.Succeeded + 50);
        await load.StopAsync();
        output.WriteLine($"requests: {load.Succeeded} ok, {load.Failures.Count} failed");
        Assert.Empty(load.Failures);

        var refused = await OperatorCommand.RunAsync(output, ["scale", "-1", "--control-socket", socket]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("a cluster keeps at least 1 worker", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_WaitsForItsOutcome_GoodBuildExits0_BrokenBuildExits1WithTheReasonWhileTheOldWorkersServe_ThenStopDrains()
    {
        var app = SampleAppCopy.Create();
        using var directory = new TempDirectory();
        var socket = directory.File("c.sock");
        try
        {
            await using var primary = ClusterProcess.StartPrimary(output,
                "--workers", "2", "--urls", "http://127.0.0.1:0", "--start-timeout", "20", "--app", app.DllPath, "--cwd", app.Directory, "--control-socket", socket);
            var (url, oldPids) = await primary.WaitForReadyAsync();

            var good = await OperatorCommand.RunAsync(output, ["reload", "--control-socket", socket]);
            Assert.Equal(0, good.ExitCode);
            var replaced = ReplacedPattern().Matches(good.Output);
            Assert.Equal(new[] { 0, 1 }, replaced.Select(m => int.Parse(m.Groups["worker"].Value, System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(oldPids.Order(), replaced.Select(m => int.Parse(m.Groups["old"].Value, System.Globalization.CultureInfo.InvariantCulture)).Order());
            Assert.Contains("reloaded: 2 of 2 workers replaced", good.Output, StringComparison.Ordinal);
            var newPids = replaced.Select(m => int.Parse(m.Groups["new"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.All(oldPids, pid => Assert.False(ProcessTable.IsAlive(pid)));

            app.BreakStartup();
            var broken = await OperatorCommand.RunAsync(output, ["reload", "--control-socket", socket]);
            Assert.Equal(1, broken.ExitCode);
            Assert.Matches(@"^clusterhost: worker 0: the new worker \(pid \d+\) exited with .*exit code \d+\)? before it was ready; the reload stopped, 2 workers keep serving the previous build$", broken.Error.Trim());

            using var client = SampleAppClient.FreshConnections(url);
            var served = new HashSet<int>();
            for (var i = 0; i < 40; i++)
            {
                served.Add((await client.GetAsync()).Pid);
            }
            Assert.Equal(newPids.Order(), served.Order());

            var stop = await OperatorCommand.RunAsync(output, ["stop", "--timeout", "5", "--control-socket", socket]);
            Assert.Equal(0, stop.ExitCode);
            Assert.Contains("stopping: draining every worker (timeout 5 s)", stop.Output, StringComparison.Ordinal);
            // When stop returns the primary has exited: gone, or a zombie until this test process reaps it.
            Assert.True(HasExited(primary.Pid), "stop returned before the primary exited");
            Assert.Equal(0, await primary.WaitForExitAsync());
            Assert.Empty(await primary.WaitForNoLiveProcessesAsync(TimeSpan.FromSeconds(5)));
            Assert.False(File.Exists(socket));
        }
        finally
        {
            app.Delete();
        }
    }

    private static bool HasExited(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true;
        }
    }

    [GeneratedRegex(@"worker (?<worker>\d+): pid (?<old>\d+) replaced by pid (?<new>\d+)")]
    private static partial Regex ReplacedPattern();
}
