using System.Net.Http.Json;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Hosting;

/// <summary>
/// An app that references ClusterHost.Worker for its API and calls <c>UseClusterWorker()</c>: the
/// primary injects the worker behaviour too, and the app is configured once.
/// </summary>
public sealed class WorkerApiAppTests(ITestOutputHelper output)
{
    private const string App = "WorkerApiApp";

    [Theory]
    [InlineData("reuseport")]
    [InlineData("proxy")]
    public async Task UnderTheCluster_EachWorkerKnowsItsSlot(string mode)
    {
        await using var primary = ClusterProcess.StartPrimary(output,
            "--app", TestApps.Dll(App), "--workers", "2", "--mode", mode, "--urls", "http://127.0.0.1:0");
        var (url, pids) = await primary.WaitForReadyAsync();

        var answers = new Dictionary<int, WorkerAnswer>();
        for (var i = 0; i < 400 && answers.Count < pids.Length; i++)
        {
            using var client = new HttpClient { BaseAddress = url };
            client.DefaultRequestHeaders.ConnectionClose = true;
            var answer = (await client.GetFromJsonAsync<WorkerAnswer>("/worker"))!;
            answers[answer.Pid] = answer;
        }

        Assert.Equal(pids.Order(), answers.Keys.Order());
        Assert.All(answers.Values, a => Assert.True(a.IsWorker));
        Assert.All(answers.Values, a => Assert.Equal(2, a.WorkerCount));
        Assert.Equal([0, 1], answers.Values.Select(a => a.WorkerId).Order());
        primary.Signal(Signals.SIGTERM);
        Assert.Equal(0, await primary.WaitForExitAsync());
    }

    [Fact]
    public async Task Alone_ItIsNoWorker()
    {
        var dll = TestApps.Dll(App);
        await using var app = ClusterProcess.StartProgram(output, TestPaths.Dotnet, [dll, "--urls", "http://127.0.0.1:0"],
            Path.GetDirectoryName(dll)!, new Dictionary<string, string?>());
        var url = await app.WaitForListeningAsync();

        using var client = new HttpClient { BaseAddress = url };
        var answer = (await client.GetFromJsonAsync<WorkerAnswer>("/worker"))!;

        Assert.False(answer.IsWorker);
        Assert.Equal(0, answer.WorkerId);
        Assert.Equal(1, answer.WorkerCount);
        Assert.Equal(app.Pid, answer.Pid);
    }

    private sealed record WorkerAnswer(bool IsWorker, int WorkerId, int WorkerCount, int Pid);
}
