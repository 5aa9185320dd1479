using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Operations;

/// <summary>
/// Issue 17: clients that never retry (Python's http.client, wrk) lose nothing to reloads, and
/// in proxy mode nothing to a killed worker; a request that crashes its worker crashes one.
/// </summary>
public sealed class NonRetryingClientTests(ITestOutputHelper output)
{
    private static string PythonClient => Path.Combine(RepoPaths.Root, "loadtests", "clients", "nonretrying_client.py");

    private sealed record ClientReport(int Ok, int Failed, string[] Failures);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Acceptance 1 and 2 (issue 17: reuseport and proxy mode): 5 reloads under the Python client
    // (keep-alive and new connections) and wrk -c64. Handoff's reload under load is in RollingReloadTests.
    [Theory]
    [InlineData("reuseport")]
    [InlineData("proxy")]
    public async Task FiveReloads_UnderPythonAndWrk_FailNoRequest_AndWrkSeesNoSocketError(string mode)
    {
        var python = RequiredTool.Find("python3", "python3");
        var wrk = RequiredTool.Find("wrk", "wrk");
        await using var primary = ClusterProcess.StartPrimary(output, "--mode", mode, "--workers", "2", "--urls", "http://127.0.0.1:0");
        var (url, _) = await primary.WaitForReadyAsync();
        var stopFile = Path.Combine(Path.GetTempPath(), $"clusterhost-t17-{Guid.NewGuid():N}");
        await using var client = ClusterProcess.StartProgram(null, python,
            [PythonClient, url.ToString(), "--threads", "6", "--stop-file", stopFile], RepoPaths.Root, new Dictionary<string, string?>());
        await using var load = ClusterProcess.StartProgram(null, wrk,
            ["-t1", "-c64", "-d600s", url.ToString()], RepoPaths.Root, new Dictionary<string, string?>());
        await client.WaitForLineAsync(new Regex("^started$"));

        var clock = Stopwatch.StartNew();
        for (var reload = 0; reload < 5; reload++)
        {
            var before = primary.Lines.Count;
            primary.Signal(Signals.SIGHUP);
            await primary.WaitForLineAsync(new Regex("Reload finished: 2 workers replaced"), after: before);
        }
        var reloadsTook = clock.Elapsed;
        File.WriteAllText(stopFile, "");
        load.Signal(Signals.SIGINT); // wrk prints its summary and exits
        await client.WaitForExitAsync();
        await load.WaitForExitAsync();
        File.Delete(stopFile);

        var report = JsonSerializer.Deserialize<ClientReport>(client.Lines.Last(l => l.StartsWith('{')), Json)!;
        var wrkOutput = load.Output;
        output.WriteLine($"{mode}: 5 reloads in {reloadsTook.TotalSeconds:F1} s; python: {report.Ok} ok, {report.Failed} failed "
            + $"[{string.Join("; ", report.Failures)}]\nwrk:\n{wrkOutput}");
        Assert.True(report.Ok > 0);
        Assert.Equal(0, report.Failed);
        var socketErrors = Regex.Match(wrkOutput, @"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)");
        if (socketErrors.Success)
        {
            Assert.Equal("0 0 0", $"{socketErrors.Groups[1]} {socketErrors.Groups[2]} {socketErrors.Groups[3]}");
        }
        Assert.DoesNotContain("Non-2xx", wrkOutput, StringComparison.Ordinal);
        Assert.Matches(@"\d+ requests in", wrkOutput);
    }

    // Acceptance 3: proxy mode, 10 SIGKILLs under GET load: no GET fails; a POST in flight gets a
    // 502 problem+json; a request that crashes its worker crashes that one worker only.
    [Fact]
    public async Task ProxyMode_TenKillsUnderGetLoad_FailNoGet_ButAPostInFlightGetsAProblem_AndACrashKillsOneWorker()
    {
        var python = RequiredTool.Find("python3", "python3");
        await using var primary = ClusterProcess.StartPrimary(output,
            "--mode", "proxy", "--workers", "2", "--urls", "http://127.0.0.1:0", "--max-restarts", "50", "--", "--SampleApp:EnableFaults=true");
        var (url, pids) = await primary.WaitForReadyAsync();
        var stopFile = Path.Combine(Path.GetTempPath(), $"clusterhost-t17-{Guid.NewGuid():N}");
        await using var client = ClusterProcess.StartProgram(null, python,
            [PythonClient, url.ToString(), "--threads", "6", "--stop-file", stopFile, "--path", "/delay?ms=20"], RepoPaths.Root, new Dictionary<string, string?>());
        await client.WaitForLineAsync(new Regex("^started$"));

        var live = pids.ToList();
        for (var kill = 0; kill < 10; kill++)
        {
            var slot = kill % 2;
            var before = primary.Lines.Count;
            Signals.Send(live[slot], Signals.SIGKILL);
            var ready = await primary.WaitForLineAsync(new Regex($@"Worker {slot} \(pid (\d+)\) ready"), after: before);
            live[slot] = int.Parse(ready.Groups[1].Value, CultureInfo.InvariantCulture);
            await primary.WaitForLineAsync(new Regex($"Proxy: worker {slot} in rotation"), after: before);
        }
        File.WriteAllText(stopFile, "");
        await client.WaitForExitAsync();
        File.Delete(stopFile);
        var report = JsonSerializer.Deserialize<ClientReport>(client.Lines.Last(l => l.StartsWith('{')), Json)!;
        var retries = primary.Lines.Count(l => l.Contains("Proxy: retrying", StringComparison.Ordinal));
        output.WriteLine($"10 kills: python GETs {report.Ok} ok, {report.Failed} failed [{string.Join("; ", report.Failures)}]; {retries} retried");
        Assert.Equal(0, report.Failed);

        // A POST in flight on a killed worker: 502 with a problem+json body, never sent again.
        using var http = new HttpClient { BaseAddress = url, Timeout = ClusterProcess.Patience };
        var body = new SlowBody();
        var post = http.PostAsync("/upload", body);
        await body.Started.WaitAsync(ClusterProcess.Patience);
        var beforePost = primary.Lines.Count;
        foreach (var pid in live)
        {
            Signals.Send(pid, Signals.SIGKILL);
        }
        body.Finish();
        using (var response = await post)
        {
            var text = await response.Content.ReadAsStringAsync();
            output.WriteLine($"POST in flight: {(int)response.StatusCode} {response.Content.Headers.ContentType} {text}");
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"cause\":\"worker-died\"", text, StringComparison.Ordinal);
            Assert.Contains("POST is not idempotent", text, StringComparison.Ordinal);
        }
        await primary.WaitForLinesAsync(new Regex(@"Proxy: worker \d in rotation"), 2, after: beforePost);

        // A request whose handler crashes its worker: one worker exits, the request is not sent to another.
        var beforeCrash = primary.Lines.Count;
        using (var crash = await http.GetAsync("/crash"))
        {
            var text = await crash.Content.ReadAsStringAsync();
            output.WriteLine($"/crash: {(int)crash.StatusCode} {text}");
            Assert.Equal(HttpStatusCode.BadGateway, crash.StatusCode);
            Assert.Contains("crashed", text, StringComparison.Ordinal);
        }
        using (var after = await http.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }
        await primary.WaitForLineAsync(new Regex(@"Worker \d \(pid \d+\) exited"), after: beforeCrash);
        await primary.WaitForLineAsync(new Regex(@"Worker \d \(pid \d+\) ready"), after: beforeCrash);
        var exits = primary.Lines.Skip(beforeCrash).Count(l => Regex.IsMatch(l, @"Worker \d \(pid \d+\) exited"));
        Assert.Equal(1, exits);

        primary.Signal(Signals.SIGTERM);
        Assert.Equal(0, await primary.WaitForExitAsync());
    }

    /// <summary>A request body that sends 1 KiB, then waits until told to finish.</summary>
    private sealed class SlowBody : HttpContent
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public void Finish() => _finish.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(new byte[1024]);
            await stream.FlushAsync();
            _started.TrySetResult();
            await _finish.Task;
            await Task.Delay(500); // the kill lands first
            await stream.WriteAsync(new byte[1024]);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 2048;
            return true;
        }
    }
}
