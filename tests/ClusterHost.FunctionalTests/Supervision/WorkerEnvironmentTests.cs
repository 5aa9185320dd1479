using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Supervision;

public sealed class WorkerEnvironmentTests(ITestOutputHelper output)
{
    private const string SpinLimit = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";

    [Fact]
    public async Task Workers_RunWithThreadPoolSpinWaitingOff()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--workers", "2", "--urls", "http://127.0.0.1:0");
        var (_, pids) = await primary.WaitForReadyAsync();

        foreach (var pid in pids)
        {
            Assert.Equal("0", EnvironmentOf(pid).GetValueOrDefault(SpinLimit));
        }
    }

    [Fact]
    public async Task Workers_KeepTheSettingTheUserGaveThePrimary()
    {
        await using var primary = ClusterProcess.StartPrimary(
            output, new Dictionary<string, string> { [SpinLimit] = "35" }, "--workers", "1", "--urls", "http://127.0.0.1:0");
        var (_, pids) = await primary.WaitForReadyAsync();

        Assert.Equal("35", EnvironmentOf(pids[0]).GetValueOrDefault(SpinLimit));
    }

    /// <summary>The environment a process started with, from /proc.</summary>
    private static Dictionary<string, string> EnvironmentOf(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
}
