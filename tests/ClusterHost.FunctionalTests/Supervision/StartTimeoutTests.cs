using System.Globalization;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Supervision;

public sealed class StartTimeoutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AppThatNeverBecomesReady_IsGivenUpAfterMaxRestarts_AndThePrimaryExits3()
    {
        // Each start is killed after --start-timeout and counts as a failed start, so the slot is
        // given up after 1 + --max-restarts starts: (1 + 1) × 10 s, and no backoff wait, here.
        // The timeout is the stable uptime (10 s) on purpose: counted as uptime, it would reset
        // the failure count at every start and the app would be restarted forever.
        await using var primary = ClusterProcess.StartPrimary(output,
            "--workers", "1", "--urls", "http://127.0.0.1:0", "--start-timeout", "10", "--max-restarts", "1", "--",
            "--SampleApp:EnableFaults=true", "--SampleApp:HangAtStartup=true");

        var exitCode = await primary.WaitForExitAsync();

        Assert.Equal(3, exitCode);
        Assert.Equal(2, primary.Lines.Count(l => Regex.IsMatch(l, @"Worker 0 \(pid \d+\) was not ready within 00:00:10")));
        Assert.Equal(2, primary.Lines.Count(l => Regex.IsMatch(l, @"Worker 0 \(pid \d+\) exited with .*\(start-timeout\)")));
        var delays = primary.Lines
            .Select(l => Regex.Match(l, @"Restarting worker 0 in (\d+) ms"))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal([0], delays);
        Assert.Contains(primary.Lines, l => l.Contains("Worker 0 failed 2 times in a row", StringComparison.Ordinal));
        Assert.Contains(primary.Lines, l => l.Contains("Every worker slot is crash-looping", StringComparison.Ordinal));
        Assert.DoesNotContain(primary.Lines, l => l.Contains("ClusterHost ready", StringComparison.Ordinal));
        Assert.Empty(await primary.WaitForNoLiveProcessesAsync(TimeSpan.FromSeconds(5)));
    }
}
