using System.Runtime.InteropServices;

namespace ClusterHost.Platform;

/// <summary>
/// Finds the <c>dotnet</c> host running this process (through the apphost or not): the primary runs
/// worker apps with it, and the scenario runner runs the primary with it.
/// </summary>
internal static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        // Started as `dotnet App.dll`: the host is this process.
        var current = Environment.ProcessPath;
        if (current is not null && System.IO.Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }
        // Started through the apphost (dotnet run): the runtime lives at <root>/shared/Microsoft.NETCore.App/<version>/.
        var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = System.IO.Path.Combine(root, "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }
}
