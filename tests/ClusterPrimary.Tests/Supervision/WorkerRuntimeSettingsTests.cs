using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.Supervision;

public sealed class WorkerRuntimeSettingsTests : IDisposable
{
    private const string Variable = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";
    private const string Property = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";

    private readonly string _directory = Directory.CreateTempSubdirectory("clusterhost-runtime-settings-").FullName;

    private string AppPath => Path.Combine(_directory, "App.dll");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Apply_NothingChosen_TurnsThreadPoolSpinWaitingOff()
    {
        WriteRuntimeConfig("""{ "runtimeOptions": { "configProperties": { "System.GC.Server": true } } }""");
        var environment = new Dictionary<string, string?> { ["PATH"] = "/usr/bin" };

        WorkerRuntimeSettings.Apply(environment, AppPath);

        Assert.Equal("0", environment[Variable]);
        Assert.Equal("/usr/bin", environment["PATH"]);
    }

    [Theory]
    [InlineData(Variable)]
    [InlineData("COMPlus_ThreadPool_UnfairSemaphoreSpinLimit")]
    public void Apply_TheEnvironmentSetsIt_LeavesTheUsersValue(string name)
    {
        var environment = new Dictionary<string, string?> { [name] = "70" };

        WorkerRuntimeSettings.Apply(environment, AppPath);

        Assert.Equal("70", environment[name]);
        Assert.Single(environment);
    }

    [Fact]
    public void Apply_TheAppsRuntimeConfigSetsIt_AddsNoVariableThatWouldOverrideIt()
    {
        WriteRuntimeConfig($$"""
            {
              // written by the SDK from the app's project
              "runtimeOptions": { "configProperties": { "{{Property}}": 100, } }
            }
            """);
        var environment = new Dictionary<string, string?>();

        WorkerRuntimeSettings.Apply(environment, AppPath);

        Assert.Empty(environment);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not json")]
    [InlineData("""{ "runtimeOptions": [] }""")]
    [InlineData("""{ "runtimeOptions": { "configProperties": 3 } }""")]
    public void Apply_RuntimeConfigMissingOrUnreadable_StillGivesTheDefault(string? content)
    {
        if (content is not null)
        {
            WriteRuntimeConfig(content);
        }
        var environment = new Dictionary<string, string?>();

        WorkerRuntimeSettings.Apply(environment, AppPath);

        Assert.Equal("0", environment[Variable]);
    }

    [Fact]
    public void RuntimeConfigPath_IsBesideTheApp()
    {
        Assert.Equal("/srv/app/Shop.Web.runtimeconfig.json", WorkerRuntimeSettings.RuntimeConfigPath("/srv/app/Shop.Web.dll"));
    }

    private void WriteRuntimeConfig(string content) =>
        File.WriteAllText(Path.Combine(_directory, "App.runtimeconfig.json"), content);
}
