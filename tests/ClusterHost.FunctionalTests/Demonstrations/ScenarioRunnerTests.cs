using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Demonstrations;

/// <summary>The scenario runner as a user runs it: bad arguments, signals, a target it did not start.</summary>
public sealed class ScenarioRunnerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("loadtests: --workers must be from 2 to 64 (got '0')", "stickiness", "--workers", "0")]
    [InlineData("loadtests: unknown scenario 'bogus'; allowed: stickiness, blocked-worker, crash", "bogus")]
    [InlineData("loadtests: --url must be http://127.0.0.1:PORT", "crash", "--url", "http://192.0.2.1:80")]
    public async Task BadArguments_PrintOneLine_ExitTwo_StartNothing(string expected, params string[] args)
    {
        await using var runner = ClusterProcess.StartLoadTests(output, args);

        Assert.Equal(2, await runner.WaitForExitAsync());
        Assert.StartsWith(expected, Assert.Single(runner.StandardError), StringComparison.Ordinal);
        Assert.DoesNotContain(runner.Lines, l => l.Contains("Starting a cluster", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Terminated_MidScenario_StopsTheClusterItStarted_AndExits130()
    {
        await using var runner = ClusterProcess.StartLoadTests(output, "blocked-worker", "--workers", "2", "--block-seconds", "3", "--svg", "/dev/null");
        await runner.WaitForLineAsync(new Regex("Blocking worker"));

        runner.Signal(Signals.SIGTERM);

        Assert.Equal(130, await runner.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(runner.Lines, l => l.Contains("Stopping the cluster", StringComparison.Ordinal));
        Assert.DoesNotContain(runner.Lines, l => l.StartsWith("verdict:", StringComparison.Ordinal));
        await DemonstrationTests.AssertNothingLeftAsync(runner, run: null);
    }

    [Fact]
    public async Task TargetWithFaultsOff_ExitsOne_SayingHowToEnableThem()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--workers", "2", "--urls", "http://127.0.0.1:0");
        var (url, pids) = await primary.WaitForReadyAsync();

        await using var runner = ClusterProcess.StartLoadTests(output, "blocked-worker", "--url", url.ToString(), "--svg", "/dev/null");

        Assert.Equal(1, await runner.WaitForExitAsync());
        // stderr also carries the runner's progress log; the error is the line it prefixes with "loadtests:".
        var error = Assert.Single(runner.StandardError, l => l.StartsWith("loadtests: ", StringComparison.Ordinal));
        Assert.Contains("/block?ms=3000 answered 404: the target's fault endpoints are off", error, StringComparison.Ordinal);
        Assert.All(pids, pid => Assert.True(ProcessTable.IsAlive(pid), "the runner touched a cluster it did not start"));
    }
}
