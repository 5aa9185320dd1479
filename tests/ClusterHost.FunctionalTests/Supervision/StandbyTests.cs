using System.Globalization;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;
using ClusterHost.FunctionalTests.Operator;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Supervision;

/// <summary>
/// <c>--standby</c>: a warm process takes the place of a killed worker, in its slot, with the
/// slot's environment; it runs none of the app's code until then; it is not used once the app's
/// files have changed; and nothing is left behind when the primary is killed.
/// </summary>
public sealed class StandbyTests(ITestOutputHelper output)
{
    private static readonly Regex StandbyWarm = new(@"Standby \(pid (\d+)\) warm in \d+ ms");

    [Theory]
    [InlineData("shared")]
    [InlineData("handoff")]
    [InlineData("proxy")]
    public async Task KilledWorker_IsReplacedByTheStandby_WhichThenServesAsThatSlot(string mode)
    {
        using var directory = new TempDirectory();
        var socket = directory.File("control.sock");
        await using var primary = ClusterProcess.StartPrimary(output,
            "--mode", mode, "--workers", "2", "--standby", "1", "--urls", "http://127.0.0.1:0", "--control-socket", socket);
        using var metrics = await MetricsEndpoint.WaitForAsync(primary);
        var (url, _) = await primary.WaitForReadyAsync();
        var pid0 = await WorkerRestartTests.ReadyPidAsync(primary, 0);
        var standby = Pid(await primary.WaitForLineAsync(StandbyWarm));
        var linesBefore = primary.Lines.Count;
        var before = await metrics.ScrapeUntilAsync(m => m.Value("clusterhost_standbys", ("state", "warm")) == 1, "one warm standby on /metrics");
        Assert.Equal(0, before.Value("clusterhost_standbys", ("state", "warming")));
        Assert.Equal(0, before.Value("clusterhost_standby_takes_total"));

        Signals.Send(pid0, Signals.SIGKILL);

        await primary.WaitForLineAsync(new Regex($@"Worker 0 is the standby \(pid {standby}\)"), after: linesBefore);
        await primary.WaitForLineAsync(new Regex($@"Worker 0 \(pid {standby}\) ready"), after: linesBefore);
        using var client = SampleAppClient.FreshConnections(url);
        var seen = new Dictionary<int, int>();
        for (var i = 0; i < 200 && !seen.ContainsKey(0); i++)
        {
            var answer = await client.GetAsync();
            seen[answer.Worker] = answer.Pid;
        }
        // The app read CLUSTERHOST_WORKER_ID as 0: the slot's environment reached it.
        Assert.Equal(standby, seen[0]);
        // Its replacement is started (and warms) once the slot's worker is ready.
        var next = Pid(await primary.WaitForLineAsync(StandbyWarm, after: linesBefore));
        Assert.NotEqual(standby, next);
        Assert.True(ProcessTable.IsAlive(next));
        var after = await metrics.ScrapeUntilAsync(m => m.Value("clusterhost_standbys", ("state", "warm")) == 1, "the next standby warm on /metrics");
        Assert.Equal(1, after.Value("clusterhost_standby_takes_total"));
        Assert.Equal(0, after.Value("clusterhost_standby_discards_total"));
        Assert.Equal(0, after.Value("clusterhost_standby_failures_total"));
        // clusterhost status says the same.
        var standbys = (await OperatorCommand.StatusAsync(output, socket))["standbys"]!.AsObject();
        Assert.Equal(1, standbys["configured"]!.GetValue<int>());
        Assert.Equal(1, standbys["taken"]!.GetValue<long>());
        var table = await OperatorCommand.RunAsync(output, ["status", "--control-socket", socket]);
        Assert.Contains("standbys: 1 warm, 0 warming of 1; 1 taken, 0 discarded, 0 failed", table.Output, StringComparison.Ordinal);
        // Until it took the slot, the standby wrote nothing: none of the app's code ran.
        Assert.DoesNotContain(primary.Lines, l => l.StartsWith("[standby]", StringComparison.Ordinal));

        primary.Signal(Signals.SIGTERM);
        Assert.Equal(0, await primary.WaitForExitAsync());
        Assert.Empty(await primary.WaitForNoLiveProcessesAsync(TimeSpan.FromSeconds(5)));
        Assert.False(ProcessTable.IsAlive(next));
    }

    [Fact]
    public async Task ChangedAppFiles_DiscardTheStandby_AndAKilledPrimaryLeavesNoStandbyBehind()
    {
        var app = SampleAppCopy.Create();
        try
        {
            await using var primary = ClusterProcess.StartPrimary(output,
                "--workers", "2", "--standby", "1", "--urls", "http://127.0.0.1:0", "--app", app.DllPath);
            await primary.WaitForReadyAsync();
            var pid0 = await WorkerRestartTests.ReadyPidAsync(primary, 0);
            var standby = Pid(await primary.WaitForLineAsync(StandbyWarm));
            var linesBefore = primary.Lines.Count;

            // A deploy over the running app: the standby's runtime was started on the old files.
            File.SetLastWriteTimeUtc(Path.ChangeExtension(app.DllPath, ".deps.json"), DateTime.UtcNow.AddMinutes(1));
            Signals.Send(pid0, Signals.SIGKILL);

            await primary.WaitForLineAsync(new Regex($@"Standby \(pid {standby}\) discarded: the app's files changed"), after: linesBefore);
            var replacement = Pid(await primary.WaitForLineAsync(new Regex(@"Worker 0 \(pid (\d+)\) ready"), after: linesBefore));
            Assert.NotEqual(standby, replacement);
            var next = Pid(await primary.WaitForLineAsync(StandbyWarm, after: linesBefore));
            using (var metrics = await MetricsEndpoint.WaitForAsync(primary))
            {
                var scrape = await metrics.ScrapeUntilAsync(m => m.Value("clusterhost_standbys", ("state", "warm")) == 1, "the next standby warm on /metrics");
                Assert.Equal(1, scrape.Value("clusterhost_standby_discards_total"));
                Assert.Equal(0, scrape.Value("clusterhost_standby_takes_total"));
            }

            // The primary dies without a word: the standby reads the end of its stdin and exits.
            var pids = primary.KnownPids();
            Assert.Contains(next, pids);
            primary.Signal(Signals.SIGKILL);
            await primary.WaitForExitAsync();
            // (The copy's processes run from outside the primary's folder, so they are checked by pid.)
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (pids.Any(ProcessTable.IsAlive) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            Assert.DoesNotContain(pids, ProcessTable.IsAlive);
        }
        finally
        {
            app.Delete();
        }
    }

    private static int Pid(Match match) => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
}
