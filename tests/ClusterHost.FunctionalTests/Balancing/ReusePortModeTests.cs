using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Balancing;

public sealed class ReusePortModeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FreshConnections_AreAnsweredByEveryWorker()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--workers", "2", "--urls", "http://127.0.0.1:0");
        var (url, pids) = await primary.WaitForReadyAsync();

        using var client = SampleAppClient.FreshConnections(url);
        var answers = new List<WorkerAnswer>();
        for (var i = 0; i < 40; i++)
        {
            answers.Add(await client.GetAsync());
        }

        Assert.Equal(pids.Order(), answers.Select(a => a.Pid).Distinct().Order());
        Assert.Equal([0, 1], answers.Select(a => a.Worker).Distinct().Order());
    }

    [Fact]
    public async Task KeepAliveConnection_IsServedByOneWorkerForItsLife()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--workers", "2", "--urls", "http://127.0.0.1:0");
        var (url, _) = await primary.WaitForReadyAsync();

        using var client = SampleAppClient.KeepAlive(url);
        var answers = new List<WorkerAnswer>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await client.GetAsync());
        }

        Assert.Single(answers.Select(a => a.Connection).Distinct());
        Assert.Single(answers.Select(a => a.Pid).Distinct());
    }

    [Fact]
    public async Task LocalhostUrl_IsServedOnBothLoopbacks()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--workers", "1", "--urls", "http://localhost:0");
        var (url, pids) = await primary.WaitForReadyAsync();

        foreach (var host in new[] { "127.0.0.1", "[::1]" })
        {
            using var client = SampleAppClient.FreshConnections(new Uri($"http://{host}:{url.Port}"));
            Assert.Equal(pids[0], (await client.GetAsync()).Pid);
        }
    }
}
