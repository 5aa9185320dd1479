using System.Net.Sockets;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Hosting;

/// <summary>Apps that never referenced ClusterHost, served through the injected worker behaviour.</summary>
public sealed partial class UnmodifiedAppTests(ITestOutputHelper output)
{
    private const int AppNotHostable = 4;

    [Theory]
    [InlineData("reuseport")]
    [InlineData("proxy")]
    [InlineData("handoff")]
    public Task MinimalApi_IsServedByBothWorkers_AndSigtermExitsZeroLeavingNothing(string mode) =>
        ServedByBothWorkersThenStoppedAsync(TestApps.Dll("MinimalApi"), "--mode", mode);

    [Fact]
    public Task AppHostExecutable_IsServedUnmodified() =>
        ServedByBothWorkersThenStoppedAsync(TestApps.AppHost("MinimalApi"));

    /// <summary>Both workers answer <c>/pid</c>; SIGTERM then exits 0 and leaves no worker.</summary>
    private async Task ServedByBothWorkersThenStoppedAsync(string app, params string[] options)
    {
        await using var primary = ClusterProcess.StartPrimary(output,
            ["--app", app, "--workers", "2", "--urls", "http://127.0.0.1:0", .. options]);
        var (url, pids) = await primary.WaitForReadyAsync();

        Assert.Equal(pids.Order(), await AnsweringPidsAsync(url, pids.Length));

        primary.Signal(Signals.SIGTERM);
        Assert.Equal(0, await primary.WaitForExitAsync());
        Assert.Empty(await WaitForExitOfAsync(pids));
    }

    [Fact]
    public async Task Net8AppPublishedSelfContained_IsServedOnItsOwnRuntime()
    {
        var app = await TestApps.Net8ApiSelfContainedAsync();
        await using var primary = ClusterProcess.StartPrimary(output, "--app", app, "--workers", "2", "--urls", "http://127.0.0.1:0");
        var (url, pids) = await primary.WaitForReadyAsync();

        using var client = new HttpClient { BaseAddress = url };
        Assert.StartsWith("8.", await client.GetStringAsync("/runtime"));
        Assert.Equal(pids.Order(), await AnsweringPidsAsync(url, pids.Length));
        primary.Signal(Signals.SIGTERM);
        Assert.Equal(0, await primary.WaitForExitAsync());
        Assert.Empty(await WaitForExitOfAsync(pids));
    }

    [Theory]
    [InlineData("reuseport")]
    [InlineData("proxy")]
    public async Task AppsOwnUrlsAndKestrelEndpoints_AreOverriddenWithOneWarning(string mode)
    {
        // tests/Apps/OwnAddressesApp/appsettings.json: urls http://127.0.0.1:47251, Kestrel:Endpoints Http http://127.0.0.1:47252.
        // Run in the app's folder, as `dotnet App.dll` there would, so the app reads that file.
        var app = TestApps.Dll("OwnAddressesApp");
        await using var primary = ClusterProcess.StartPrimary(output,
            "--app", app, "--cwd", Path.GetDirectoryName(app)!, "--workers", "2", "--mode", mode, "--urls", "http://127.0.0.1:0");
        var (url, pids) = await primary.WaitForReadyAsync();

        Assert.Equal(pids.Order(), await AnsweringPidsAsync(url, pids.Length));
        var warning = Assert.Single(primary.Lines, line => line.Contains("are ignored under ClusterHost", StringComparison.Ordinal));
        Assert.Contains("Kestrel:Endpoints (Http: http://127.0.0.1:47252)", warning, StringComparison.Ordinal);
        Assert.Contains("urls (http://127.0.0.1:47251)", warning, StringComparison.Ordinal);
        foreach (var port in new[] { 47251, 47252 })
        {
            Assert.False(await IsServedByAsync(port, pids), $"a worker answers on the app's own port {port}");
        }
    }

    [Fact]
    public async Task ConsoleApp_IsRefusedUpFrontInOneLine()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--app", TestApps.Dll("ConsoleApp"), "--urls", "http://127.0.0.1:0");

        Assert.Equal(AppNotHostable, await primary.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        var error = Assert.Single(primary.StandardError);
        Assert.Contains("is not an ASP.NET Core app", error, StringComparison.Ordinal);
        Assert.DoesNotContain(primary.Lines, line => line.Contains("starting (pid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DllWithoutRuntimeConfig_IsRefusedUpFrontInOneLine()
    {
        using var copy = new TempDirectory();
        File.Copy(TestApps.Dll("MinimalApi"), copy.File("MinimalApi.dll"));
        await using var primary = ClusterProcess.StartPrimary(output, "--app", copy.File("MinimalApi.dll"), "--urls", "http://127.0.0.1:0");

        Assert.Equal(AppNotHostable, await primary.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        var error = Assert.Single(primary.StandardError);
        Assert.Contains("has no MinimalApi.runtimeconfig.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppWithoutWebHost_IsReportedOnceWithTheDocumentedCode_NotRestarted()
    {
        await using var primary = ClusterProcess.StartPrimary(output,
            "--app", TestApps.Dll("NoWebHostApp"), "--workers", "2", "--urls", "http://127.0.0.1:0");

        // 10 s for the handshake, plus the start of the processes on a loaded machine.
        Assert.Equal(AppNotHostable, await primary.WaitForExitAsync(ClusterProcess.Patience));
        var fatal = Assert.Single(primary.Lines, line => line.Contains("cannot serve", StringComparison.Ordinal));
        Assert.Contains("did not connect to the primary within 10 s of its own time", fatal, StringComparison.Ordinal);
        Assert.DoesNotContain(primary.Lines, line => line.Contains("Restarting", StringComparison.OrdinalIgnoreCase));
        var workerPids = primary.Lines.Select(line => StartingPattern().Match(line)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(2, workerPids.Length);
        Assert.Empty(await WaitForExitOfAsync(workerPids));
    }

    /// <summary>GET /pid over fresh connections until <paramref name="expected"/> pids answered (bounded).</summary>
    private static async Task<int[]> AnsweringPidsAsync(Uri url, int expected)
    {
        var seen = new HashSet<int>();
        for (var i = 0; i < 400 && seen.Count < expected; i++)
        {
            using var client = new HttpClient { BaseAddress = url };
            client.DefaultRequestHeaders.ConnectionClose = true;
            seen.Add(int.Parse(await client.GetStringAsync("/pid"), System.Globalization.CultureInfo.InvariantCulture));
        }
        return [.. seen.Order()];
    }

    /// <summary>True when one of <paramref name="pids"/> answers on 127.0.0.1:<paramref name="port"/>.</summary>
    private static async Task<bool> IsServedByAsync(int port, int[] pids)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var answer = await client.GetStringAsync("/pid");
            return int.TryParse(answer, out var pid) && pids.Contains(pid);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return false;
        }
    }

    /// <summary>Waits until none of <paramref name="pids"/> lives, killing any left; returns those that lived on.</summary>
    private static async Task<int[]> WaitForExitOfAsync(int[] pids)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        int[] live;
        while ((live = [.. pids.Where(ProcessTable.IsAlive)]).Length > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        foreach (var pid in live)
        {
            Signals.Send(pid, Signals.SIGKILL);
        }
        return live;
    }

    [GeneratedRegex(@"Worker \d+ starting \(pid (?<pid>\d+)\)")]
    private static partial Regex StartingPattern();
}
