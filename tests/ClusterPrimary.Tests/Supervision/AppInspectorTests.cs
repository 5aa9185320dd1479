using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.Supervision;

/// <summary>Real files made at test time: the test assembly itself stands in for an app's .dll.</summary>
public sealed class AppInspectorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("clusterhost-inspect-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string? NoEnvironment(string name) => null;

    private string App(string runtimeConfig)
    {
        var dll = Path.Combine(_directory, "App.dll");
        File.Copy(typeof(AppInspectorTests).Assembly.Location, dll);
        File.WriteAllText(Path.Combine(_directory, "App.runtimeconfig.json"), runtimeConfig);
        return dll;
    }

    private const string AspNetCore10 = """
        { "runtimeOptions": { "tfm": "net10.0", "frameworks": [
          { "name": "Microsoft.NETCore.App", "version": "10.0.0" }, { "name": "Microsoft.AspNetCore.App", "version": "10.0.0" } ] } }
        """;

    [Fact]
    public void FindProblem_AspNetCoreApp_None() =>
        Assert.Null(AppInspector.FindProblem(App(AspNetCore10), NoEnvironment));

    [Fact]
    public void FindProblem_TextFile_NotDotNet()
    {
        var path = Path.Combine(_directory, "App.dll");
        File.WriteAllText(path, "hello");
        Assert.Contains("is not a .NET assembly or executable", AppInspector.FindProblem(path, NoEnvironment));
    }

    [Fact]
    public void FindProblem_NativeExecutableWithoutDll_NativeAot()
    {
        var path = Path.Combine(_directory, "App");
        File.Copy("/bin/true", path);
        Assert.Contains("native executable with no managed App.dll", AppInspector.FindProblem(path, NoEnvironment));
    }

    [Fact]
    public void FindProblem_NoRuntimeConfig_NamesTheFile()
    {
        var dll = App(AspNetCore10);
        File.Delete(Path.Combine(_directory, "App.runtimeconfig.json"));
        Assert.Contains("has no App.runtimeconfig.json", AppInspector.FindProblem(dll, NoEnvironment));
    }

    [Fact]
    public void FindProblem_ConsoleApp_NotAspNetCore() =>
        Assert.Contains("is not an ASP.NET Core app", AppInspector.FindProblem(
            App("""{ "runtimeOptions": { "framework": { "name": "Microsoft.NETCore.App", "version": "10.0.0" } } }"""), NoEnvironment));

    [Fact]
    public void FindProblem_Net7_TooOld() =>
        Assert.Contains("targets .NET 7", AppInspector.FindProblem(App("""
            { "runtimeOptions": { "frameworks": [ { "name": "Microsoft.NETCore.App", "version": "7.0.0" }, { "name": "Microsoft.AspNetCore.App", "version": "7.0.0" } ] } }
            """), NoEnvironment));

    [Fact]
    public void FindProblem_SelfContainedWithAspNetCore_None() =>
        Assert.Null(AppInspector.FindProblem(App("""
            { "runtimeOptions": { "includedFrameworks": [ { "name": "Microsoft.NETCore.App", "version": "8.0.31" }, { "name": "Microsoft.AspNetCore.App", "version": "8.0.31" } ] } }
            """), NoEnvironment));

    [Fact]
    public void FindProblem_StartupHooksDisabled_NamesTheSwitchAndRemedy() =>
        Assert.Contains("<StartupHookSupport>true</StartupHookSupport>", AppInspector.FindProblem(App("""
            { "runtimeOptions": { "frameworks": [ { "name": "Microsoft.AspNetCore.App", "version": "10.0.0" } ],
              "configProperties": { "System.StartupHookProvider.IsSupported": false } } }
            """), NoEnvironment));

    [Fact]
    public void FindProblem_PreventHostingStartup_Refused() =>
        Assert.Contains("ASPNETCORE_PREVENTHOSTINGSTARTUP is set", AppInspector.FindProblem(App(AspNetCore10),
            name => name == "ASPNETCORE_PREVENTHOSTINGSTARTUP" ? "true" : null));

    [Fact]
    public void FindProblem_AppThatReferencesClusterWorker_NeedsNoInjection()
    {
        var dll = App("""
            { "runtimeOptions": { "frameworks": [ { "name": "Microsoft.AspNetCore.App", "version": "10.0.0" } ],
              "configProperties": { "System.StartupHookProvider.IsSupported": false } } }
            """);
        File.WriteAllText(Path.Combine(_directory, "ClusterHost.Worker.dll"), "");
        Assert.Null(AppInspector.FindProblem(dll, NoEnvironment));
    }

    [Theory]
    [InlineData(null, "/w/hook.dll", "/w/hook.dll")]
    [InlineData("/other/hook.dll", "/w/hook.dll", "/other/hook.dll:/w/hook.dll")]
    [InlineData("/w/hook.dll", "/w/hook.dll", "/w/hook.dll")]
    public void WorkerInjection_AppendsTheHookToExistingHooks(string? existing, string hook, string expected) =>
        Assert.Equal(expected, WorkerInjection.Append(existing, hook));
}
