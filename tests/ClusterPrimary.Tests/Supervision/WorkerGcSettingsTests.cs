using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.Supervision;

public sealed class WorkerGcSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("clusterhost-gc-settings-").FullName;

    private string AppPath => Path.Combine(_directory, "App.dll");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(64, 64)]
    public void For_AtMostOneWorkerPerCpu_KeepsTheRuntimesDefaults(int workers, int cpus)
    {
        Assert.Empty(WorkerGcSettings.For(WorkerGcMode.Auto, workers, cpus));
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(32, 2)]
    public void For_MoreWorkersThanCpus_GivesWorkstationGcWithoutBackgroundGc(int workers, int cpus)
    {
        var settings = WorkerGcSettings.For(WorkerGcMode.Auto, workers, cpus);

        Assert.Equal(["DOTNET_gcServer=0", "DOTNET_gcConcurrent=0"], settings.Select(s => $"{s.EnvironmentVariable}={s.Value}"));
    }

    [Fact]
    public void For_RuntimeMode_GivesNothing()
    {
        Assert.Empty(WorkerGcSettings.For(WorkerGcMode.Runtime, 32, 2));
    }

    [Fact]
    public void Apply_WebAppWithTheSdksServerGcOnly_GetsClusterHostsGcSettings()
    {
        // What the Web SDK writes into every ASP.NET Core app: not a choice of the app's.
        WriteRuntimeConfig("""{ "runtimeOptions": { "configProperties": { "System.GC.Server": true, "System.Globalization.Invariant": true } } }""");
        var environment = new Dictionary<string, string?>();

        WorkerRuntimeSettings.Apply(environment, AppPath, WorkerGcSettings.For(WorkerGcMode.Auto, 8, 2));

        Assert.Equal("0", environment["DOTNET_gcServer"]);
        Assert.Equal("0", environment["DOTNET_gcConcurrent"]);
        Assert.Equal("0", environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"]);
    }

    [Theory]
    [InlineData("System.GC.Server", "false")]
    [InlineData("System.GC.Concurrent", "false")]
    [InlineData("System.GC.HeapHardLimit", "209715200")]
    [InlineData("System.GC.HeapCount", "1")]
    [InlineData("System.GC.ConserveMemory", "5")]
    [InlineData("System.GC.DynamicAdaptationMode", "0")]
    public void Apply_AppsRuntimeConfigSetsAGcSetting_AddsNoGcSetting(string property, string value)
    {
        WriteRuntimeConfig($$"""{ "runtimeOptions": { "configProperties": { "{{property}}": {{value}} } } }""");
        var environment = new Dictionary<string, string?>();

        WorkerRuntimeSettings.Apply(environment, AppPath, WorkerGcSettings.For(WorkerGcMode.Auto, 8, 2));

        Assert.DoesNotContain(environment.Keys, name => name.StartsWith("DOTNET_gc", StringComparison.OrdinalIgnoreCase));
        // The thread-pool default is decided on its own.
        Assert.Equal("0", environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"]);
    }

    [Theory]
    [InlineData("DOTNET_gcServer", "1")]
    [InlineData("DOTNET_GCgen0size", "0x4000000")]
    [InlineData("DOTNET_GCHeapHardLimit", "0xC800000")]
    [InlineData("COMPlus_gcConcurrent", "1")]
    [InlineData("dotnet_gcheapcount", "2")]
    public void Apply_EnvironmentSetsAGcSetting_KeepsItAndAddsNoOther(string name, string value)
    {
        WriteRuntimeConfig("""{ "runtimeOptions": { "configProperties": { "System.GC.Server": true } } }""");
        var environment = new Dictionary<string, string?> { [name] = value };

        WorkerRuntimeSettings.Apply(environment, AppPath, WorkerGcSettings.For(WorkerGcMode.Auto, 8, 2));

        Assert.Equal(value, environment[name]);
        Assert.Equal([name], environment.Keys.Where(key => key.Contains("_gc", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void AppChoice_NamesTheSettingAndWhereItIsSet()
    {
        WriteRuntimeConfig("""{ "runtimeOptions": { "configProperties": { "System.GC.Server": true, "System.GC.HeapHardLimit": 209715200 } } }""");
        var config = AppRuntimeConfig.Read(WorkerRuntimeSettings.RuntimeConfigPath(AppPath));

        Assert.Equal("System.GC.HeapHardLimit in its runtimeconfig.json", WorkerGcSettings.AppChoice(new Dictionary<string, string?>(), config));
        Assert.Equal("DOTNET_GCgen0size in the environment",
            WorkerGcSettings.AppChoice(new Dictionary<string, string?> { ["DOTNET_GCgen0size"] = "0x1000000" }, config));
        Assert.Null(WorkerGcSettings.AppChoice(new Dictionary<string, string?> { ["DOTNET_TieredPGO"] = "0" }, null));
    }

    [Fact]
    public void Describe_SaysWhatTheWorkersGetAndWhy()
    {
        Assert.Equal("DOTNET_gcServer=0, DOTNET_gcConcurrent=0: workstation GC without background GC (8 workers on 2 CPUs, more workers than CPUs); --worker-gc runtime keeps the runtime's defaults",
            WorkerGcSettings.Describe(WorkerGcMode.Auto, 8, 2, null));
        Assert.StartsWith("the runtime's defaults, server GC with DATAS for a web app (2 workers on 2 CPUs)", WorkerGcSettings.Describe(WorkerGcMode.Auto, 2, 2, null));
        Assert.Equal("the app's own GC settings (DOTNET_gcServer in the environment); ClusterHost adds none (8 workers on 2 CPUs)",
            WorkerGcSettings.Describe(WorkerGcMode.Auto, 8, 2, "DOTNET_gcServer in the environment"));
        Assert.Equal("the runtime's defaults (--worker-gc runtime; 1 worker on 1 CPU)", WorkerGcSettings.Describe(WorkerGcMode.Runtime, 1, 1, null));
    }

    private void WriteRuntimeConfig(string content) =>
        File.WriteAllText(Path.Combine(_directory, "App.runtimeconfig.json"), content);
}
