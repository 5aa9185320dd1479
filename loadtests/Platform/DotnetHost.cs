using System.Runtime.InteropServices;

namespace ClusterHost.LoadTests.Platform;

/// <summary>The <c>dotnet</c> host that runs this process: it runs the primary too.</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
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
