using System.Diagnostics;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Benchmarks;

/// <summary>
/// loadtests/bench.sh in its smoke mode (1 round, 2 s per wrk run, 1 restart) against the build
/// under test, with the app published as a real run publishes it, so the benchmark cannot rot:
/// every target measured, every figure present, nothing left running. It checks that figures are
/// there, not what they are, but it runs alone all the same: beside the other tests, a 2 s wrk run
/// against a cluster that has just started measured nothing at all (0 rps) and the smoke took over
/// four minutes.
/// </summary>
[Collection(LoadSensitive.Name)]
public sealed partial class BenchmarkSmokeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task SmokeRun_ReportsEveryTargetAndFigure_LeavesNoProcess()
    {
        RequiredTool.Find("wrk", "wrk");
        RequiredTool.Find("python3", "python3");
        var hasNode = FindOnPath("node");
        using var directory = new TempDirectory();
        var reportPath = Path.Combine(directory.Path, "report.md");
        var configuration = new DirectoryInfo(Path.GetDirectoryName(TestPaths.Primary)!).Parent!.Name;

        var (exitCode, stdout, stderr) = await RunAsync(
            Path.Combine(RepoPaths.Root, "loadtests", "bench.sh"),
            "--smoke", "--no-build", "--configuration", configuration, "--out", reportPath,
            // The HTTPS, mixed-cost and SignalR rows are left to the full run: the suite's time budget
            // (TLS is tested in Tls/, the mixed-cost scenario in Demonstrations/MixedCostScenarioTests,
            // the SignalR fan-out in SignalR/); 1 s per wrk run is enough to see every figure.
            "--no-tls", "--no-mixed", "--no-signalr", "--duration", "1");

        Assert.True(exitCode == 0, $"bench.sh exited {exitCode}:\n{stderr}");
        var report = File.ReadAllText(reportPath);
        Assert.Contains("# Benchmark: ClusterHost against one Kestrel process and a Node cluster", stdout, StringComparison.Ordinal);

        string[] targets = hasNode
            ? ["single", "reuseport", "shared", "handoff", "proxy-unix", "proxy-tcp", "node-cluster"]
            : ["single", "reuseport", "shared", "handoff", "proxy-unix", "proxy-tcp"];
        foreach (var target in targets)
        {
            var rows = report.Split('\n').Where(l => l.StartsWith($"| `{target}` |", StringComparison.Ordinal)).ToList();
            // Throughput and RSS for every target; balance for ClusterHost's four; the ratio to
            // reuseport for the two proxy targets; the nginx-front comparison for single,
            // reuseport and the two proxy targets.
            Assert.Equal(target switch { "node-cluster" => 2, "single" or "shared" or "handoff" => 3, "reuseport" => 4, _ => 5 }, rows.Count);
            Assert.All(rows, row => Assert.DoesNotContain("n/a", row, StringComparison.Ordinal));
        }

        var goalsSection = report[report.IndexOf("## Goals", StringComparison.Ordinal)..];
        var goalsEnd = goalsSection.IndexOf("\n## ", StringComparison.Ordinal);
        var goals = (goalsEnd < 0 ? goalsSection : goalsSection[..goalsEnd]).Split('\n')
            .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| measure", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(9, goals.Count);
        // Issue 16: handoff against reuseport, and balance (of connections and of requests) at 64 and at 4 connections, all measured.
        var handoff = report.Split('\n').Where(l => l.StartsWith("| handoff ", StringComparison.Ordinal) || l.StartsWith("| keep-alive rps, handoff", StringComparison.Ordinal)
            || l.StartsWith("| new-connection rps, handoff", StringComparison.Ordinal)).ToList();
        Assert.Equal(7, handoff.Count);
        Assert.All(handoff, row => Assert.DoesNotContain("n/a", row, StringComparison.Ordinal));
        // The app is published with ReadyToRun, as a real run does, so that step cannot rot either.
        Assert.Contains("`SampleApp` published with ReadyToRun code", report, StringComparison.Ordinal);
        Assert.Contains("# the app every .NET target runs: dotnet publish src/SampleApp", report, StringComparison.Ordinal);
        Assert.All(goals.Where(g => hasNode || !g.Contains("node-cluster", StringComparison.Ordinal)),
            goal => Assert.Matches(@"\| (reached|\*\*missed\*\*) \|$", goal));
        // Issue 16: restarts cold and with a warm standby, side by side; the standby took the slot.
        Assert.Matches(@"\| \*\*cold, median\*\* \| \| \| \| \|( [\d,]+ ms \|){6}", report);
        Assert.Matches(@"\| \*\*standby, median\*\* \| \| \| \| \|( [\d,]+ ms \|){6}", report);
        Assert.Matches(@"\| standby \| 1 \| 0 \| \d+ \| \d+ \|", report);
        Assert.Matches(@"What the standby costs, idle and warm \(before the first kill\): RSS [\d.]+ MB, PSS [\d.]+ MB", report);
        // Issue 16: the cluster's memory under both --worker-gc modes (smoke: 2 workers), and throughput at N = CPUs.
        Assert.Contains("## Memory at N workers (issue 16)", report, StringComparison.Ordinal);
        foreach (var mode in new[] { "runtime", "auto" })
        {
            Assert.Matches($@"\| 2 \| `{mode}` \| [^|]+ \| [\d.]+ MB \| [\d.]+ MB \| [\d.]+ MB \| [\d,]+ MB \| [\d,]+ MB \|", report);
        }
        Assert.Matches(@"`auto` / `runtime` at N = \d+: [\d.]+", report);

        var pids = StartedPids().Match(stderr);
        Assert.True(pids.Success, stderr);
        Assert.Equal("none", pids.Groups["left"].Value);
        var started = pids.Groups["pids"].Value.Split(", ").Select(int.Parse).ToList();
        Assert.True(started.Count >= 2 * targets.Length, $"only {started.Count} pids named: {pids.Value}");
        Assert.All(started, pid => Assert.False(
            ProcessTable.IsAlive(pid) && ProcessTable.CommandLine(pid).Contains(RepoPaths.Root, StringComparison.Ordinal),
            $"pid {pid} ({ProcessTable.CommandLine(pid)}) outlived the benchmark"));
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string script, params string[] args)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        startInfo.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM first: the benchmark's trap stops what it started.
            Signals.Send(process.Id, Signals.SIGTERM);
            if (!process.WaitForExit(20_000))
            {
                process.Kill(entireProcessTree: true);
            }
            throw new TimeoutException($"bench.sh --smoke took longer than {Bound}:\n{await stderr}");
        }
        output.WriteLine(await stderr);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static bool FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, command)));

    [GeneratedRegex(@"bench: started pids (?<pids>[\d, ]+); still running: (?<left>.+)")]
    private static partial Regex StartedPids();
}
