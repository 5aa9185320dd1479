using System.Reflection;

namespace ClusterHost.LoadTests;

/// <summary>Paths fixed at build time: the built primary, and where results go by default.</summary>
internal static class BuildPaths
{
    /// <summary>The primary built beside this runner (the build of <c>src/ClusterPrimary</c>).</summary>
    public static string Primary { get; } = Metadata("PrimaryPath");

    /// <summary>tests/Apps/ChatRoom built beside this runner: the signalr scenario's app.</summary>
    public static string ChatRoom { get; } = Metadata("ChatRoomPath");

    /// <summary><c>loadtests/results</c> in the source tree.</summary>
    public static string ResultsDirectory { get; } = Metadata("ResultsDirectory");

    private static string Metadata(string key) => typeof(BuildPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
