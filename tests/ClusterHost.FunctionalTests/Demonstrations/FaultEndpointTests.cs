using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Demonstrations;

/// <summary>The SampleApp's fault endpoints, on the app alone (one process, one port): quick and direct.</summary>
public sealed partial class FaultEndpointTests(ITestOutputHelper output)
{
    private static readonly string[] FaultPaths = ["/delay?ms=1", "/cpu?ms=1", "/block?ms=1", "/crash", "/leak?mb=1", "/work?us=1"];

    private async Task<(ClusterProcess App, Uri Url)> StartAppAsync(bool faults)
    {
        var app = ClusterProcess.StartSampleAppAlone(output, "--urls", "http://127.0.0.1:0", $"--SampleApp:EnableFaults={faults}");
        return (app, await app.WaitForListeningAsync());
    }

    [Fact]
    public async Task FaultEndpoints_AnswerNotFound_UnlessEnabled()
    {
        var (app, url) = await StartAppAsync(faults: false);
        await using var _ = app;
        using var client = SampleAppClient.KeepAlive(url);

        foreach (var path in FaultPaths)
        {
            using var response = await client.SendAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} answered {(int)response.StatusCode}");
        }
        Assert.Equal(app.Pid, (await client.GetAsync()).Pid);
    }

    [Fact]
    public async Task FaultEndpoints_OutOfRangeValues_AnswerBadRequestWithAMessage()
    {
        (string Path, string Message)[] cases =
        [
            ("/delay?ms=60001", "ms must be a whole number from 0 to 60000 (got '60001')"),
            ("/cpu?ms=-1", "ms must be a whole number from 0 to 30000 (got '-1')"),
            ("/cpu", "ms must be a whole number from 0 to 30000 (it is missing)"),
            ("/block?ms=30001", "ms must be a whole number from 0 to 30000 (got '30001')"),
            ("/block?ms=abc", "ms must be a whole number from 0 to 30000 (got 'abc')"),
            ("/leak?mb=0", "mb must be a whole number from 1 to 1024 (got '0')"),
            ("/leak?mb=1025", "mb must be a whole number from 1 to 1024 (got '1025')"),
            ("/leak?mb=1.5", "mb must be a whole number from 1 to 1024 (got '1.5')"),
            ("/work?us=100001", "us must be a whole number from 0 to 100000 (got '100001')"),
            ("/work", "us must be a whole number from 0 to 100000 (it is missing)"),
        ];
        var (app, url) = await StartAppAsync(faults: true);
        await using var _ = app;
        using var client = SampleAppClient.KeepAlive(url);

        foreach (var (path, message) in cases)
        {
            using var response = await client.SendAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} answered {(int)response.StatusCode}");
            Assert.Equal(message, (await response.Content.ReadAsStringAsync()).TrimEnd());
        }
        Assert.Equal(app.Pid, (await client.GetAsync()).Pid);
    }

    [Fact]
    public async Task Block_StallsEveryConnectionOfTheProcess_ThenItServesAsBefore()
    {
        var (app, url) = await StartAppAsync(faults: true);
        await using var _ = app;
        using var first = SampleAppClient.KeepAlive(url);
        using var second = SampleAppClient.KeepAlive(url);
        using var blocker = SampleAppClient.KeepAlive(url);
        using var fresh = SampleAppClient.FreshConnections(url);
        await first.GetAsync();
        await second.GetAsync();

        var clock = Stopwatch.StartNew();
        var block = blocker.GetAsync("/block?ms=3000");
        await app.WaitForLineAsync(new Regex("Blocking this process for 3000 ms"));
        var sentAt = clock.Elapsed;
        var during = new[] { first.GetAsync("/"), second.GetAsync("/delay?ms=0"), fresh.GetAsync("/") }
            .Select(async request => { await request; return clock.Elapsed; }).ToList();
        var answeredAt = await Task.WhenAll(during);
        await block;
        var blockEnded = clock.Elapsed;

        output.WriteLine($"sent at {sentAt.TotalMilliseconds:0} ms; answered at {string.Join(", ", answeredAt.Select(t => $"{t.TotalMilliseconds:0} ms"))}; block ended at {blockEnded.TotalMilliseconds:0} ms");
        Assert.True(blockEnded >= TimeSpan.FromMilliseconds(2900), $"the block ended after {blockEnded.TotalMilliseconds:0} ms");
        // Nothing progressed until the block ended: keep-alive, async (/delay) and a new connection alike.
        Assert.All(answeredAt, t => Assert.True(t >= TimeSpan.FromMilliseconds(2500), $"a request was answered {t.TotalMilliseconds:0} ms after the block began"));

        // Then the process serves again (a bound far above a request's time on a loaded machine, far
        // below a stalled pool's), and can be blocked again: the pool's limit was restored.
        for (var i = 0; i < 10; i++)
        {
            var request = Stopwatch.StartNew();
            await first.GetAsync();
            Assert.True(request.Elapsed < TimeSpan.FromSeconds(10), $"a request after the block took {request.Elapsed.TotalMilliseconds:0} ms");
        }
        var linesBefore = app.Lines.Count;
        var again = Stopwatch.StartNew();
        var secondBlock = blocker.GetAsync("/block?ms=1000");
        await app.WaitForLineAsync(new Regex("Blocking this process for 1000 ms"), after: linesBefore);
        await second.GetAsync();
        Assert.True(again.Elapsed >= TimeSpan.FromMilliseconds(900), $"the second block let a request through after {again.Elapsed.TotalMilliseconds:0} ms");
        await secondBlock;
    }

    [Fact]
    public async Task Cpu_BusyRequest_DoesNotStopTheOthers()
    {
        var (app, url) = await StartAppAsync(faults: true);
        await using var _ = app;
        using var busy = SampleAppClient.KeepAlive(url);
        using var other = SampleAppClient.KeepAlive(url);
        await other.GetAsync();

        var cpu = Stopwatch.StartNew();
        var burning = busy.GetAsync("/cpu?ms=3000");
        await app.WaitForLineAsync(new Regex("Burning CPU for 3000 ms"));
        var request = Stopwatch.StartNew();
        await other.GetAsync();
        var otherTook = request.Elapsed;
        var stillBurning = !burning.IsCompleted;
        await burning;

        // Answered while the burn went on, unlike /block: a request that waited for the busy one
        // would come back after it.
        Assert.True(stillBurning, $"the other request took {otherTook.TotalMilliseconds:0} ms: it waited for the busy one");
        Assert.True(cpu.Elapsed >= TimeSpan.FromMilliseconds(3000));
    }

    [Fact]
    public async Task Crash_KillsTheProcessAbnormally()
    {
        var (app, url) = await StartAppAsync(faults: true);
        await using var _ = app;
        using var client = SampleAppClient.KeepAlive(url);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/crash"));

        Assert.Equal(128 + 6, await app.WaitForExitAsync()); // SIGABRT
        Assert.Contains(app.Lines, l => l.Contains("/crash requested", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Leak_KeepsWhatItAllocates()
    {
        var (app, url) = await StartAppAsync(faults: true);
        await using var _ = app;
        using var client = SampleAppClient.KeepAlive(url);
        var before = ResidentMegabytes(app.Pid);

        using var first = await client.SendAsync("/leak?mb=32");
        using var second = await client.SendAsync("/leak?mb=32");

        Assert.Equal(32, (await first.Content.ReadFromJsonAsync<LeakAnswer>())!.KeptMb);
        Assert.Equal(64, (await second.Content.ReadFromJsonAsync<LeakAnswer>())!.KeptMb);
        var after = ResidentMegabytes(app.Pid);
        Assert.True(after - before >= 48, $"resident memory went from {before} MB to {after} MB");
    }

    private static int ResidentMegabytes(int pid) =>
        int.Parse(VmRssPattern().Match(File.ReadAllText($"/proc/{pid}/status")).Groups[1].Value, CultureInfo.InvariantCulture) / 1024;

    [GeneratedRegex(@"VmRSS:\s+(\d+) kB")]
    private static partial Regex VmRssPattern();
}
