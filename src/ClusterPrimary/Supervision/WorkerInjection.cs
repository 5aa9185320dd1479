using System.Diagnostics;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// How the primary makes an unmodified app a worker: environment variables alone. The .NET
/// startup hook named in <c>DOTNET_STARTUP_HOOKS</c> runs before the app's <c>Main</c> and
/// registers the worker assembly as an ASP.NET Core hosting startup
/// (<c>ASPNETCORE_HOSTINGSTARTUPASSEMBLIES</c>), which configures the app's web host.
/// </summary>
/// <remarks>
/// The build puts the hook in <c>worker/</c> beside the primary, with the worker assembly's builds
/// in <c>worker/net8.0/</c> and <c>worker/net10.0/</c>; the hook picks the one for the app's runtime.
/// </remarks>
internal static class WorkerInjection
{
    public const string StartupHooksVariable = "DOTNET_STARTUP_HOOKS";

    /// <summary>The startup hook assembly beside the primary.</summary>
    public static string HookPath { get; } = Path.Combine(AppContext.BaseDirectory, "worker", "ClusterHost.Worker.StartupHook.dll");

    /// <summary>Names the hook in <paramref name="environment"/>, after any hooks already there.</summary>
    public static void Apply(IDictionary<string, string?> environment, string hookPath)
    {
        environment.TryGetValue(StartupHooksVariable, out var existing);
        environment[StartupHooksVariable] = Append(existing, hookPath);
    }

    /// <summary>Adds <paramref name="path"/> to a ':'-separated list unless it is there already.</summary>
    internal static string Append(string? list, string path)
    {
        if (string.IsNullOrEmpty(list))
        {
            return path;
        }
        return list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Contains(path, StringComparer.Ordinal)
            ? list
            : list.TrimEnd(Path.PathSeparator) + Path.PathSeparator + path;
    }

    /// <summary>
    /// The command that runs the app as given: <c>dotnet APP.dll</c>, or an apphost executable
    /// (<c>./App</c> from <c>dotnet publish</c>, framework-dependent or self-contained) itself.
    /// </summary>
    public static ProcessStartInfo StartInfo(string appPath, string dotnetHost) =>
        IsDll(appPath) ? new ProcessStartInfo(dotnetHost) { ArgumentList = { appPath } } : new ProcessStartInfo(appPath);

    public static bool IsDll(string appPath) => appPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
}
