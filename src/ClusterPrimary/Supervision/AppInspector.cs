using System.Reflection.PortableExecutable;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Checks, before any worker starts, that the app can be hosted: that it is a .NET app on
/// ASP.NET Core into which the worker behaviour can be injected (or that calls
/// <c>UseClusterWorker()</c> itself). Each problem is one line naming the cause and the remedy,
/// and the primary exits with <see cref="ExitCodes.AppNotHostable"/>.
/// </summary>
/// <remarks>
/// What no file shows (an app that builds no web host, or prevents hosting startups in code) is
/// caught at run time instead: the worker never says hello (<see cref="WorkerHandshakeWatch"/>).
/// </remarks>
internal static class AppInspector
{
    internal const string AspNetCoreFramework = "Microsoft.AspNetCore.App";
    internal const string StartupHookSwitch = "System.StartupHookProvider.IsSupported";
    internal const string PreventHostingStartupVariable = "ASPNETCORE_PREVENTHOSTINGSTARTUP";

    /// <summary>The oldest .NET the injected worker assembly runs on.</summary>
    internal const int MinimumRuntimeMajor = 8;

    /// <summary>Null when the app can be hosted; else the one-line reason and remedy.</summary>
    /// <param name="appPath">The app's .dll or apphost executable (full path; it exists).</param>
    /// <param name="getEnvironmentVariable">The primary's environment, which workers inherit.</param>
    public static string? FindProblem(string appPath, Func<string, string?> getEnvironmentVariable)
    {
        var name = Path.GetFileName(appPath);
        string dll;
        switch (ReadKind(appPath))
        {
            case FileKind.ManagedAssembly when WorkerInjection.IsDll(appPath):
                dll = appPath;
                break;
            case FileKind.ManagedAssembly:
                return $"{name} is a .NET assembly but not a .dll; give the app's .dll or its apphost executable";
            case FileKind.Elf:
                dll = Path.Combine(Path.GetDirectoryName(appPath)!, Path.GetFileName(appPath) + ".dll");
                if (ReadKind(dll) != FileKind.ManagedAssembly)
                {
                    return $"{name} is a native executable with no managed {Path.GetFileName(dll)} beside it (native AOT, single-file, or not .NET): "
                        + "ClusterHost cannot inject into it; publish the app framework-dependent or self-contained without PublishAot/PublishSingleFile";
                }
                break;
            case FileKind.NativePe:
                return $"{name} is not a .NET assembly (a native PE file); give the app's .dll or its apphost executable";
            default:
                return $"{name} is not a .NET assembly or executable; give the app's .dll (bin/<configuration>/<tfm>/App.dll) or its apphost executable";
        }

        var runtimeConfigPath = WorkerRuntimeSettings.RuntimeConfigPath(dll);
        if (!File.Exists(runtimeConfigPath))
        {
            return $"{Path.GetFileName(dll)} has no {Path.GetFileName(runtimeConfigPath)} beside it, so it is not a runnable app "
                + "(a class library, or copied without it); give the app's build or publish output";
        }
        if (AppRuntimeConfig.Read(runtimeConfigPath) is not { } config)
        {
            return $"{Path.GetFileName(runtimeConfigPath)} cannot be read as JSON; rebuild the app";
        }

        if (config.FrameworkMajor(AppRuntimeConfig.NetCoreFramework) is { } major && major < MinimumRuntimeMajor)
        {
            return $"{name} targets .NET {major}; ClusterHost hosts apps built for .NET {MinimumRuntimeMajor} or later; retarget the app";
        }
        var usesAspNetCore = config.UsesFramework(AspNetCoreFramework)
            || (config.IsSelfContained && File.Exists(Path.Combine(Path.GetDirectoryName(dll)!, "Microsoft.AspNetCore.dll")));
        if (!usesAspNetCore)
        {
            return $"{name} is not an ASP.NET Core app (it does not use the {AspNetCoreFramework} framework); ClusterHost runs web apps: "
                + "use Microsoft.NET.Sdk.Web and build a WebApplication";
        }

        // An app that calls UseClusterWorker() needs no injection.
        if (File.Exists(Path.Combine(Path.GetDirectoryName(dll)!, "ClusterHost.Worker.dll")))
        {
            return null;
        }
        if (config.Switch(StartupHookSwitch) == false)
        {
            return $"{name} was published with startup hooks disabled ({StartupHookSwitch}=false: trimmed or native AOT), so ClusterHost cannot inject into it; "
                + "publish with <StartupHookSupport>true</StartupHookSupport>, or reference ClusterHost.Worker and call UseClusterWorker()";
        }
        if (IsTrue(getEnvironmentVariable(PreventHostingStartupVariable)))
        {
            return $"{PreventHostingStartupVariable} is set, which stops ClusterHost from configuring the app; unset it for clusterhost, "
                + "or reference ClusterHost.Worker and call UseClusterWorker()";
        }
        return null;
    }

    private static bool IsTrue(string? value) =>
        string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1";

    internal enum FileKind
    {
        Other,
        ManagedAssembly,
        NativePe,
        Elf,
    }

    internal static FileKind ReadKind(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[4];
            if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4)
            {
                return FileKind.Other;
            }
            if (magic.SequenceEqual("\u007fELF"u8))
            {
                return FileKind.Elf;
            }
            if (magic[0] != (byte)'M' || magic[1] != (byte)'Z')
            {
                return FileKind.Other;
            }
            stream.Position = 0;
            using var reader = new PEReader(stream, PEStreamOptions.LeaveOpen);
            return reader.PEHeaders.CorHeader is null ? FileKind.NativePe : FileKind.ManagedAssembly;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException)
        {
            return FileKind.Other;
        }
    }
}
