using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Operations;

public sealed class WatchdogTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("reuseport")]
    [InlineData("shared")]
    [InlineData("handoff")]
    public async Task StoppedWorker_IsDetectedAsHung_ItsStacksAreWritten_AndANewWorkerServes(string mode)
    {
        var evidenceDir = Path.Combine(Path.GetTempPath(), $"clusterhost-evidence-{Guid.NewGuid():N}");
        const int timeoutSeconds = 3;
        try
        {
            await using var primary = ClusterProcess.StartPrimary(output, "--mode", mode, "--workers", "2", "--urls", "http://127.0.0.1:0",
                "--worker-timeout", $"{timeoutSeconds}", "--evidence-dir", evidenceDir);
            var (url, _) = await primary.WaitForReadyAsync();
            var pid0 = await Supervision.WorkerRestartTests.ReadyPidAsync(primary, 0);
            var before = primary.Lines.Count;

            Signals.Send(pid0, Signals.SIGSTOP);
            var stoppedAt = DateTime.UtcNow;
            try
            {
                var hung = await primary.WaitForLineAsync(
                    new Regex($@"Worker 0 \(pid {pid0}\) is hung: .* stacks written to (?<path>\S+); killing it"),
                    TimeSpan.FromSeconds(timeoutSeconds + 5 + 10), before);
                var detectedAfter = DateTime.UtcNow - stoppedAt;
                output.WriteLine($"detected after {detectedAfter.TotalSeconds:F1} s");
                Assert.True(detectedAfter < TimeSpan.FromSeconds(timeoutSeconds + 5), $"detected after {detectedAfter}");

                var evidence = await File.ReadAllTextAsync(hung.Groups["path"].Value);
                Assert.StartsWith(evidenceDir, hung.Groups["path"].Value, StringComparison.Ordinal);
                Assert.Contains($"hung worker 0 (pid {pid0})", evidence, StringComparison.Ordinal);
                Assert.Contains(".NET", evidence, StringComparison.Ordinal);           // thread names from /proc
                Assert.Matches(@"Thread \d+ \(tid \d+, ""[^""]+""\)", evidence);       // managed threads, named
                Assert.Contains("at System.Threading", evidence, StringComparison.Ordinal); // managed frames

                var replacement = await primary.WaitForLineAsync(new Regex(@"Worker 0 \(pid (\d+)\) ready"), after: before);
                using var client = SampleAppClient.FreshConnections(url);
                var seen = new HashSet<int>();
                for (var i = 0; i < 100 && !seen.Contains(int.Parse(replacement.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)); i++)
                {
                    seen.Add((await client.GetAsync()).Pid);
                }
                Assert.Contains(int.Parse(replacement.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), seen);
                Assert.Contains(primary.Lines, l => l.Contains($"Worker 0 (pid {pid0}) exited", StringComparison.Ordinal) && l.Contains("(hung)", StringComparison.Ordinal));
            }
            finally
            {
                if (ProcessTable.IsAlive(pid0))
                {
                    Signals.Send(pid0, Signals.SIGCONT);
                }
            }
        }
        finally
        {
            if (Directory.Exists(evidenceDir))
            {
                Directory.Delete(evidenceDir, recursive: true);
            }
        }
    }
}
