using System.Net;
using System.Net.Sockets;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Supervision;

public sealed class ShutdownTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Signals.SIGTERM, "reuseport")]
    [InlineData(Signals.SIGINT, "reuseport")]
    [InlineData(Signals.SIGTERM, "shared")]
    [InlineData(Signals.SIGTERM, "handoff")]
    public async Task Signal_LetsTheInFlightRequestFinish_ThenExitsZeroAndLeavesNoProcess(int signal, string mode)
    {
        await using var primary = ClusterProcess.StartPrimary(output,
            "--mode", mode, "--workers", "2", "--urls", "http://127.0.0.1:0", "--", "--SampleApp:EnableFaults=true");
        var (url, pids) = await primary.WaitForReadyAsync();

        using var client = SampleAppClient.FreshConnections(url);
        var slow = client.SendAsync("/delay?ms=2000");
        await primary.WaitForLineAsync(new System.Text.RegularExpressions.Regex("Delaying this request for 2000 ms")); // in flight at a worker
        primary.Signal(signal);

        using var response = await slow;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await primary.WaitForExitAsync(TimeSpan.FromSeconds(30 + 20)));
        Assert.Empty(await primary.WaitForNoLiveProcessesAsync(TimeSpan.FromSeconds(1)));
        Assert.All(pids, pid => Assert.Null(ProcessTable.State(pid)));
    }

    [Fact]
    public async Task KilledPrimary_WorkersExitWithinFiveSeconds_AndThePortIsFree()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--workers", "2", "--urls", "http://127.0.0.1:0");
        var (url, pids) = await primary.WaitForReadyAsync();

        primary.Signal(Signals.SIGKILL);
        await primary.WaitForExitAsync();

        Assert.Empty(await primary.WaitForNoLiveProcessesAsync(TimeSpan.FromSeconds(5)));
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, url.Port));
        probe.Listen();
        output.WriteLine($"workers {string.Join(", ", pids)} gone; port {url.Port} bound again");
    }
}
