using System.Globalization;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Hosting;

/// <summary>The clusterhost tool as packed and installed (<see cref="InstalledTool"/>), run as a user runs it.</summary>
[Collection(InstalledToolCollection.Name)]
public sealed class ToolInstallTests(InstalledTool tool, ITestOutputHelper output)
{
    private const string MinimalApi = "MinimalApi";

    [Fact]
    public void Package_CarriesThePrimary_TheDefaultApp_AndTheInjectedWorker()
    {
        output.WriteLine($"Pack and install took {tool.PackAndInstallTime.TotalSeconds:F1} s");
        var files = tool.InstalledFiles();

        Assert.Equal(File.ReadAllBytes(TestPaths.Primary), File.ReadAllBytes(Path.Combine(files, "ClusterPrimary.dll")));
        foreach (var file in new[]
        {
            "sample/SampleApp.dll", "sample/appsettings.json",
            "worker/ClusterHost.Worker.StartupHook.dll", "worker/net8.0/ClusterHost.Worker.dll", "worker/net10.0/ClusterHost.Worker.dll",
        })
        {
            Assert.True(File.Exists(Path.Combine(files, file)), $"the installed tool lacks {file}");
        }
        Assert.Single(Directory.GetFiles(tool.PackageFolder, "ClusterHost.*.nupkg"));
    }

    [Fact]
    public async Task Help_NamesTheCommand_AndTheAppArgument()
    {
        await using var help = ClusterProcess.StartProgram(output, tool.Command, ["--help"], Path.GetTempPath(), new Dictionary<string, string?>(), tool.ToolPath);

        Assert.Equal(0, await help.WaitForExitAsync());
        Assert.Contains(help.Lines, l => l.StartsWith("Usage: clusterhost [options] [APP] [-- app arguments]", StringComparison.Ordinal));
        Assert.Contains(help.Lines, l => l.Contains("--cwd DIR", StringComparison.Ordinal));
        Assert.Contains(help.Lines, l => l.Contains("--state-dir DIR", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("reuseport")]
    [InlineData("proxy")]
    public async Task UnmodifiedApp_ServesFromBothWorkers_AndStopsCleanOnSigterm(string mode)
    {
        using var directory = new TempDirectory();
        await using var cluster = await ToolCluster.StartAsync(tool, output, TestApps.Dll(MinimalApi), mode, directory.Path);

        var answered = new HashSet<int>();
        for (var i = 0; i < 200 && answered.Count < cluster.Pids.Length; i++)
        {
            // A new connection each time: reuseport balances connections, the proxy requests.
            using var client = new HttpClient { BaseAddress = cluster.Url, Timeout = ClusterProcess.Patience };
            answered.Add(int.Parse(await client.GetStringAsync("/pid"), CultureInfo.InvariantCulture));
        }

        Assert.Equal(cluster.Pids.Order(), answered.Order());
        await cluster.StopAsync();
    }

    [Fact]
    public async Task AppGivenTwice_IsOneLineError_ExitTwo()
    {
        var app = TestApps.Dll(MinimalApi);
        await using var primary = ClusterProcess.StartProgram(output, tool.Command, [app, "--app", app], Path.GetTempPath(),
            new Dictionary<string, string?>(), tool.ToolPath);

        Assert.Equal(2, await primary.WaitForExitAsync());
        Assert.Equal($"clusterhost: the app is given twice, as APP '{app}' and as --app '{app}'; give one", Assert.Single(primary.StandardError));
    }
}
