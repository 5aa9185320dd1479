using System.Globalization;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Supervision;

public sealed class WorkerRestartTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("reuseport")]
    [InlineData("shared")]
    [InlineData("handoff")]
    public async Task KilledWorker_IsReplacedInItsSlot_AndTheOtherWorkerIsUntouched(string mode)
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--mode", mode, "--workers", "2", "--urls", "http://127.0.0.1:0");
        var (url, _) = await primary.WaitForReadyAsync();
        var pid0 = await ReadyPidAsync(primary, 0);
        var pid1 = await ReadyPidAsync(primary, 1);
        var linesBefore = primary.Lines.Count;

        Signals.Send(pid0, Signals.SIGKILL);

        await primary.WaitForLineAsync(new Regex($@"Worker 0 \(pid {pid0}\) exited with signal SIGKILL \(exit code 137\)"), after: linesBefore);
        var replacement = int.Parse(
            (await primary.WaitForLineAsync(new Regex(@"Worker 0 \(pid (\d+)\) ready"), TimeSpan.FromSeconds(5), linesBefore)).Groups[1].Value,
            CultureInfo.InvariantCulture);
        Assert.NotEqual(pid0, replacement);

        using var client = SampleAppClient.FreshConnections(url);
        var seen = new Dictionary<int, int>();
        for (var i = 0; i < 200 && seen.Count < 2; i++)
        {
            var answer = await client.GetAsync();
            seen[answer.Worker] = answer.Pid;
        }
        Assert.Equal(replacement, seen[0]);
        Assert.Equal(pid1, seen[1]);
        Assert.False(ProcessTable.IsAlive(pid0));
    }

    [Fact]
    public async Task AppThatCrashesAtStart_IsRestartedWithBackoff_ThenGivenUp()
    {
        await using var primary = ClusterProcess.StartPrimary(output,
            "--workers", "2", "--urls", "http://127.0.0.1:0", "--",
            "--SampleApp:EnableFaults=true", "--SampleApp:FailAtStartup=true");

        // Sample the primary's own CPU time while it backs off (its children are not counted).
        await primary.WaitForLineAsync(new Regex("Restarting worker 0 in 250 ms"));
        var cpuBefore = ProcessTable.CpuTicks(primary.Pid) ?? 0;
        var wallBefore = DateTime.UtcNow;
        await primary.WaitForLineAsync(new Regex("Restarting worker 0 in 2000 ms"));
        await Task.Delay(1500); // inside the 2 s wait, before the last attempt
        var cpuAfter = ProcessTable.CpuTicks(primary.Pid) ?? 0;
        var wallAfter = DateTime.UtcNow;

        var exitCode = await primary.WaitForExitAsync();

        Assert.Equal(3, exitCode);
        foreach (var slot in new[] { 0, 1 })
        {
            var delays = primary.Lines
                .Select(l => Regex.Match(l, $@"Restarting worker {slot} in (\d+) ms"))
                .Where(m => m.Success)
                .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            Assert.Equal([0, 250, 500, 1000, 2000], delays);
        }
        Assert.Contains(primary.Lines, l => l.Contains("Worker 0 failed 6 times in a row", StringComparison.Ordinal));
        Assert.Contains(primary.Lines, l => l.Contains("Every worker slot is crash-looping", StringComparison.Ordinal));

        var cpuShare = (cpuAfter - cpuBefore) / 100.0 / (wallAfter - wallBefore).TotalSeconds;
        output.WriteLine($"primary CPU while backing off: {cpuShare:P1} over {(wallAfter - wallBefore).TotalSeconds:F1} s");
        // Backing off must not busy-wait (that would be most of a core). What it does use is the
        // launches themselves and its own tiered JIT in its first seconds: 6 to 9 % measured here,
        // so the bound leaves room for a loaded machine.
        Assert.True(cpuShare < 0.25, $"the primary used {cpuShare:P1} of a CPU while backing off");
        Assert.Empty(await primary.WaitForNoLiveProcessesAsync(TimeSpan.FromSeconds(5)));
    }

    internal static async Task<int> ReadyPidAsync(ClusterProcess primary, int workerId) =>
        int.Parse(
            (await primary.WaitForLineAsync(new Regex($@"Worker {workerId} \(pid (\d+)\) ready"))).Groups[1].Value,
            CultureInfo.InvariantCulture);
}
