using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Hosting;

/// <summary>The primary under a service manager: the notify socket, the watchdog, the worker count from the CPU limit.</summary>
public sealed class ServiceManagerNotificationsTests(ITestOutputHelper output)
{
    // One cluster for the whole sequence, as systemd would see it: start, watchdog, a wedge, reload, stop.
    [Fact]
    public async Task NotifySocket_GetsReadyAfterEveryWorker_Status_Watchdog_Reloading_Stopping_AndWorkersNeverSeeIt()
    {
        await using var notify = new NotifySocket();
        await using var primary = ClusterProcess.StartPrimary(output, new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = notify.Path,
            ["WATCHDOG_USEC"] = "1000000",
            // The container's CPU limit as the runtime reports it: the default worker count follows it.
            ["DOTNET_PROCESSOR_COUNT"] = "3",
        }, "--mode", "shared", "--urls", "http://127.0.0.1:0");

        // READY=1 only once every worker serves; what came before says it is starting.
        var ready = await notify.WaitForAsync("READY=1");
        var (url, pids) = await primary.WaitForReadyAsync();
        Assert.Equal(3, pids.Length);
        var before = notify.Messages.Take(ready).Select(m => m.Message).ToList();
        Assert.DoesNotContain(before, m => m.Contains("READY=1", StringComparison.Ordinal));
        Assert.All(before.Where(m => m.StartsWith("STATUS=", StringComparison.Ordinal)), m => Assert.StartsWith("STATUS=starting: ", m));
        Assert.Contains($"STATUS=3/3 workers ready, shared on {url.ToString().TrimEnd('/')}", notify.Messages[ready].Message.Split('\n'));
        using (var client = SampleAppClient.FreshConnections(url))
        {
            var served = new HashSet<int>();
            for (var i = 0; i < 300 && served.Count < 3; i++)
            {
                served.Add((await client.GetAsync()).Pid);
            }
            Assert.Equal(pids.Order(), served.Order());
        }
        // The same for a platform that probes (Kubernetes): /ready on the metrics endpoint.
        var metricsUrl = (await primary.WaitForLineAsync(new Regex(@"Metrics at (?<url>http://\S+)/metrics"))).Groups["url"].Value;
        using (var http = new HttpClient())
        {
            using var probe = await http.GetAsync(metricsUrl + "/ready");
            Assert.Equal(System.Net.HttpStatusCode.OK, probe.StatusCode);
            Assert.Equal("ready: 3/3 workers\n", await probe.Content.ReadAsStringAsync());
        }
        foreach (var pid in pids)
        {
            var environment = ProcessEnvironment.Of(pid);
            Assert.All(ProcessEnvironment.ServiceManagerVariables, name => Assert.False(environment.ContainsKey(name), $"worker {pid} has {name}"));
        }

        // WATCHDOG_USEC=1 s: a ping about every 0.5 s.
        var watchFrom = notify.Now;
        await Task.Delay(3000);
        var pings = Pings(notify, watchFrom);
        var gaps = pings.Zip(pings.Skip(1), (a, b) => (b - a).TotalSeconds).Order().ToList();
        output.WriteLine($"watchdog gaps (s): {string.Join(", ", gaps.Select(g => g.ToString("F2", CultureInfo.InvariantCulture)))}");
        Assert.InRange(pings.Count, 4, 8);
        Assert.InRange(gaps[gaps.Count / 2], 0.35, 0.8);

        // A stopped (wedged) primary sends nothing, so systemd would restart it.
        primary.Signal(Signals.SIGSTOP);
        try
        {
            await Task.Delay(200); // a ping already on its way
            var stoppedAt = notify.Now;
            await Task.Delay(1500);
            Assert.Empty(Pings(notify, stoppedAt));
        }
        finally
        {
            primary.Signal(Signals.SIGCONT);
        }
        var resumed = notify.Messages.Count;
        await notify.WaitForAsync("WATCHDOG=1", after: resumed, TimeSpan.FromSeconds(10));

        // SIGHUP: RELOADING=1 stamped with CLOCK_MONOTONIC no earlier than the signal, then READY=1 once every worker is replaced.
        var hupAt = MonotonicMicroseconds();
        var beforeReload = notify.Messages.Count;
        primary.Signal(Signals.SIGHUP);
        var reloading = await notify.WaitForAsync("RELOADING=1", after: beforeReload);
        var stamp = notify.Messages[reloading].Message.Split('\n').Single(l => l.StartsWith("MONOTONIC_USEC=", StringComparison.Ordinal));
        Assert.InRange(long.Parse(stamp["MONOTONIC_USEC=".Length..], CultureInfo.InvariantCulture), hupAt, MonotonicMicroseconds());
        await notify.WaitForAsync("READY=1", after: reloading + 1);
        Assert.Contains(primary.Lines, l => l.Contains("Reload finished: 3 workers replaced", StringComparison.Ordinal));

        var beforeStop = notify.Messages.Count;
        primary.Signal(Signals.SIGTERM);
        var stopping = await notify.WaitForAsync("STOPPING=1", after: beforeStop);
        Assert.Contains("STATUS=stopping: draining 3 workers", notify.Messages[stopping].Message.Split('\n'));
        Assert.Equal(0, await primary.WaitForExitAsync());
    }

    private static List<TimeSpan> Pings(NotifySocket notify, TimeSpan from) =>
        [.. notify.Messages.Where(m => m.At >= from && m.Message == "WATCHDOG=1").Select(m => m.At)];

    // Stopwatch on Linux reads CLOCK_MONOTONIC, the clock MONOTONIC_USEC is in.
    private static long MonotonicMicroseconds() => (long)(Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000.0));
}
