using System.Reflection;
using System.Runtime.InteropServices;

namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>Where the built primary, the SampleApp and the dotnet host are.</summary>
internal static class TestPaths
{
    public static string Primary { get; } = typeof(TestPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PrimaryPath").Value!;

    /// <summary>The scenario runner (loadtests), built beside the tests.</summary>
    public static string LoadTests { get; } = typeof(TestPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LoadTestsPath").Value!;

    public static string SampleApp { get; } = Path.Combine(Path.GetDirectoryName(Primary)!, "sample", "SampleApp.dll");

    public static string Dotnet { get; } = Path.Combine(
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")), "dotnet");
}
