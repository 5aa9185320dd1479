using System;
using System.IO;
using System.Runtime.Loader;

/// <summary>
/// The .NET startup hook the ClusterHost primary names in <c>DOTNET_STARTUP_HOOKS</c> for every
/// worker. The runtime calls <see cref="Initialize"/> before the app's <c>Main</c>; it makes the
/// ClusterHost worker assembly loadable from this hook's folder and registers it as an ASP.NET
/// Core hosting startup, whose <c>IHostingStartup</c> then configures the app's web host. A standby
/// (<see cref="Standby"/>) first waits here for the slot it is to take.
/// </summary>
/// <remarks>
/// The runtime requires this exact shape: a type named <c>StartupHook</c> in no namespace with a
/// <c>public static void Initialize()</c>. It does nothing when no primary started the process.
/// </remarks>
internal static class StartupHook
{
    /// <summary>The assembly that carries <c>[assembly: HostingStartup]</c>.</summary>
    internal const string WorkerAssembly = "ClusterHost.Worker";

    /// <summary>Set by the primary for each worker; its absence means "not a worker".</summary>
    internal const string ControlVariable = "CLUSTERHOST_CONTROL";

    internal const string HostingStartupAssembliesVariable = "ASPNETCORE_HOSTINGSTARTUPASSEMBLIES";

    /// <summary>Called by the runtime before the app's entry point.</summary>
    public static void Initialize()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ControlVariable)))
        {
            return;
        }
        var hookFolder = Path.GetDirectoryName(typeof(StartupHook).Assembly.Location);
        if (string.IsNullOrEmpty(hookFolder) || BuildFolder(hookFolder, Environment.Version.Major) is not { } folder)
        {
            return;
        }
        // Only what the app itself cannot resolve: an app that references ClusterHost.Worker keeps its own copy.
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            var path = Path.Combine(folder, name.Name + ".dll");
            return name.Name == WorkerAssembly && File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
        };
        if (Environment.GetEnvironmentVariable(Standby.Variable) == "1")
        {
            // A standby (--standby): warm, then wait here, before the app's Main, for a slot.
            Standby.WaitForSlot();
        }
        Environment.SetEnvironmentVariable(HostingStartupAssembliesVariable,
            Append(Environment.GetEnvironmentVariable(HostingStartupAssembliesVariable), WorkerAssembly));
    }

    /// <summary>
    /// The worker assembly's build for this runtime: the subfolder <c>netN.0</c> with the highest N
    /// not above <paramref name="runtimeMajor"/> (net8.0 in .NET 8 and 9, net10.0 in .NET 10).
    /// </summary>
    internal static string? BuildFolder(string hookFolder, int runtimeMajor)
    {
        string? best = null;
        var bestMajor = 0;
        foreach (var directory in Directory.EnumerateDirectories(hookFolder, "net*.0"))
        {
            var name = Path.GetFileName(directory);
            if (int.TryParse(name.AsSpan(3, name.Length - 5), out var major) && major <= runtimeMajor && major > bestMajor)
            {
                best = directory;
                bestMajor = major;
            }
        }
        return best;
    }

    /// <summary>Adds <paramref name="assembly"/> to a ';'-separated list unless it is there already.</summary>
    internal static string Append(string? list, string assembly)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return assembly;
        }
        foreach (var entry in list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (string.Equals(entry, assembly, StringComparison.OrdinalIgnoreCase))
            {
                return list;
            }
        }
        return list.TrimEnd(';') + ";" + assembly;
    }
}
