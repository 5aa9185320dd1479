using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Operator;

/// <summary>The control socket, <c>clusterhost status</c> and the status page, on one shared cluster.</summary>
public sealed class OperatorControlTests(OperatorCluster cluster, ITestOutputHelper output) : IClassFixture<OperatorCluster>
{
    [Fact]
    public async Task ControlSocket_IsMode0600_AndRefusesAnotherUid()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cluster.Socket));
        var user = OtherUser.Ensure();

        // As the socket is: the kernel refuses another user's connect (EACCES).
        var denied = await OperatorCommand.RunAsync(output, ["status", "--control-socket", cluster.Socket], user);
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains("permission denied", denied.Error, StringComparison.Ordinal);

        // Opened up, the primary's own SO_PEERCRED check refuses that uid all the same.
        File.SetUnixFileMode(cluster.Socket, (UnixFileMode)0b110_110_110);
        try
        {
            var refused = await OperatorCommand.RunAsync(output, ["status", "--control-socket", cluster.Socket], user);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("refused: this primary accepts only uid 0 and root", refused.Error, StringComparison.Ordinal);
            Assert.Single(refused.Error.Trim().Split('\n'));
            await cluster.Primary.WaitForLineAsync(new System.Text.RegularExpressions.Regex(@"Control socket: refused pid \d+, uid \d+"));
        }
        finally
        {
            File.SetUnixFileMode(cluster.Socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Root (this test) is served.
        Assert.Equal(0, (await OperatorCommand.RunAsync(output, ["status", "--control-socket", cluster.Socket])).ExitCode);
    }

    [Fact]
    public async Task StatusJson_MatchesMetrics_ForPidsStatesAndExits()
    {
        // The same moment: a status, a scrape, a status; the two statuses agree, so the scrape saw that state.
        for (var attempt = 1; ; attempt++)
        {
            var before = await OperatorCommand.StatusAsync(output, cluster.Socket);
            var metrics = await cluster.Metrics.ScrapeAsync();
            var after = await OperatorCommand.StatusAsync(output, cluster.Socket);
            if (Summary(before) != Summary(after) && attempt < 5)
            {
                continue;
            }
            output.WriteLine(after.ToJsonString());
            var workers = after["workers"]!.AsArray();
            Assert.Equal(2, workers.Count);
            foreach (var worker in workers)
            {
                var id = (string)worker!["id"]!.ToString();
                var pid = worker["pid"]!.GetValue<int>();
                Assert.Equal(pid.ToString(CultureInfo.InvariantCulture), metrics.Named("clusterhost_worker_info").Single(s => s["worker"] == id)["pid"]);
                foreach (var (reason, count) in worker["exits"]!.AsObject())
                {
                    Assert.Equal(count!.GetValue<int>(), metrics.Value("clusterhost_worker_exits_total", ("worker", id), ("reason", reason)));
                }
                Assert.True(worker["uptimeSeconds"]!.GetValue<double>() > 0);
                Assert.True(worker["rssBytes"]!.GetValue<long>() > 10_000_000);
            }
            foreach (var state in metrics.Named("clusterhost_workers"))
            {
                Assert.Equal(workers.Count(w => (string)w!["state"]! == state["state"]), state.Value);
            }
            Assert.Equal("reuseport", (string)after["mode"]!);
            Assert.Equal(cluster.Url.ToString().TrimEnd('/'), (string)after["urls"]![0]!);
            Assert.Equal(cluster.Primary.Pid, after["primaryPid"]!.GetValue<int>());
            Assert.EndsWith("SampleApp.dll", (string)after["appPath"]!, StringComparison.Ordinal);
            Assert.NotNull((string?)after["appVersion"]);
            return;
        }
    }

    private static string Summary(JsonObject status) =>
        string.Join(";", status["workers"]!.AsArray().Select(w => $"{w!["pid"]}/{w["state"]}/{w["exits"]!.ToJsonString()}"));

    [Fact]
    public async Task StatusPage_InChromium_RendersEveryWorker_AndShowsARestartWithin3s()
    {
        var chromium = RequiredTool.Find("chromium", "chromium");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync();
        var failedRequests = new List<string>();
        page.RequestFailed += (_, request) => failedRequests.Add(request.Url);
        await page.GotoAsync(cluster.StatusPage.ToString());

        var status = await OperatorCommand.StatusAsync(output, cluster.Socket);
        var pids = status["workers"]!.AsArray().Select(w => w!["pid"]!.GetValue<int>()).ToArray();
        for (var id = 0; id < pids.Length; id++)
        {
            await page.WaitForFunctionAsync($"() => document.getElementById('worker-{id}')?.dataset.pid === '{pids[id]}' && document.getElementById('worker-{id}').dataset.state === 'ready'");
        }
        Assert.Equal(pids.Length, await page.Locator(".card").CountAsync());
        var restartsBefore = status["workers"]![0]!["restarts"]!.GetValue<int>();

        Signals.Send(pids[0], Signals.SIGKILL);
        var killed = Stopwatch.StartNew();
        await page.WaitForFunctionAsync($"() => Number(document.getElementById('worker-0')?.dataset.restarts) > {restartsBefore}", null, new() { Timeout = 10_000 });
        var seen = killed.Elapsed;
        output.WriteLine($"the page showed the restart {seen.TotalMilliseconds:0} ms after kill -9");
        Assert.True(seen < TimeSpan.FromSeconds(3), $"the restart showed after {seen}");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#events li.restart')].length > 0", null, new() { Timeout = 10_000 });

        // The new worker takes the slot, on the same page, which was never reloaded.
        await page.WaitForFunctionAsync($"() => {{ const c = document.getElementById('worker-0'); return c.dataset.state === 'ready' && c.dataset.pid !== '{pids[0]}'; }}", null, new() { Timeout = 60_000 });
        Assert.Empty(failedRequests);

        var events = await OperatorCommand.RunAsync(output, ["status", "--events", "--control-socket", cluster.Socket]);
        Assert.Equal(0, events.ExitCode);
        Assert.Contains($"worker 0 (pid {pids[0]}) left: crash: signal SIGKILL (exit code 137)", events.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondPrimaryOnTheSameSocket_IsRefusedInOneLine()
    {
        await using var second = ClusterProcess.StartPrimary(output, "--workers", "1", "--urls", "http://127.0.0.1:0", "--control-socket", cluster.Socket);
        Assert.Equal(1, await second.WaitForExitAsync());
        Assert.Equal(
            $"clusterhost: cannot listen on control socket {cluster.Socket}: another primary is listening on it; stop that one (clusterhost stop), or give this one its own --control-socket",
            Assert.Single(second.StandardError));
        Assert.Equal(0, (await OperatorCommand.RunAsync(output, ["status", "--control-socket", cluster.Socket])).ExitCode);
    }

    [Fact]
    public async Task MissingOrStaleSocket_GivesOneLineAndExit1()
    {
        using var directory = new TempDirectory();
        var missing = await OperatorCommand.RunAsync(output, ["status", "--control-socket", directory.File("none.sock")]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal($"clusterhost: no primary listens on {directory.File("none.sock")}: no such socket", missing.Error.Trim());

        var stale = directory.File("stale.sock");
        // Bound and closed without unlinking, as a killed primary leaves it (.NET's Socket unlinks on dispose).
        var python = RequiredTool.Find("python3", "python3");
        using (var bind = Process.Start(python, ["-c", $"import socket; socket.socket(socket.AF_UNIX).bind('{stale}')"]))
        {
            await bind.WaitForExitAsync();
            Assert.Equal(0, bind.ExitCode);
        }
        var result = await OperatorCommand.RunAsync(output, ["reload", "--control-socket", stale]);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"clusterhost: no primary listens on {stale}: a stale socket (the primary that made it is gone)", result.Error.Trim());
    }

    [Fact]
    public async Task Help_ListsTheSubcommands_AndEachHasItsOwn()
    {
        var help = await OperatorCommand.RunAsync(output, ["--help"]);
        Assert.Equal(0, help.ExitCode);
        foreach (var usage in new[] { "clusterhost status [--json] [--events]", "clusterhost reload", "clusterhost scale N|+N|-N", "clusterhost stop [--timeout S]", "--control-socket PATH" })
        {
            Assert.Contains(usage, help.Output, StringComparison.Ordinal);
        }
        foreach (var command in new[] { "status", "reload", "scale", "stop" })
        {
            var own = await OperatorCommand.RunAsync(output, [command, "--help"]);
            Assert.Equal(0, own.ExitCode);
            Assert.Contains("--control-socket", own.Output, StringComparison.Ordinal);
        }
    }
}
