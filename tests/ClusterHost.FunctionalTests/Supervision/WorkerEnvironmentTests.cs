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

    [Fact]
    public async Task Workers_MoreThanCpus_GetWorkstationGcWithoutBackgroundGc()
    {
        // The primary sees one CPU, so two workers are more workers than CPUs.
        await using var primary = ClusterProcess.StartPrimary(
            output, new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "1" }, "--workers", "2", "--urls", "http://127.0.0.1:0");
        var (_, pids) = await primary.WaitForReadyAsync();

        Assert.Contains(primary.Lines, line => line.Contains("Workers' GC: DOTNET_gcServer=0, DOTNET_gcConcurrent=0: workstation GC", StringComparison.Ordinal));
        foreach (var pid in pids)
        {
            var environment = EnvironmentOf(pid);
            Assert.Equal("0", environment.GetValueOrDefault("DOTNET_gcServer"));
            Assert.Equal("0", environment.GetValueOrDefault("DOTNET_gcConcurrent"));
        }
    }

    [Fact]
    public async Task Workers_TheUserChoseAGcSetting_KeepItAndGetNoOther()
    {
        await using var primary = ClusterProcess.StartPrimary(
            output, new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "1", ["DOTNET_gcServer"] = "1" },
            "--workers", "2", "--urls", "http://127.0.0.1:0");
        var (_, pids) = await primary.WaitForReadyAsync();

        Assert.Contains(primary.Lines, line => line.Contains("Workers' GC: the app's own GC settings (DOTNET_gcServer in the environment)", StringComparison.Ordinal));
        foreach (var pid in pids)
        {
            var environment = EnvironmentOf(pid);
            Assert.Equal("1", environment.GetValueOrDefault("DOTNET_gcServer"));
            Assert.False(environment.ContainsKey("DOTNET_gcConcurrent"));
        }
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
