using System.Diagnostics;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;

namespace ClusterHost.FunctionalTests.Hosting;

/// <summary>
/// The clusterhost tool as a user gets it: the built primary packed (<c>dotnet pack</c>, the
/// ClusterHost package) and installed with <c>dotnet tool install --tool-path</c> from that local
/// folder only. Done once per test run (a collection fixture): packing and installing take tens
/// of seconds.
/// </summary>
public sealed class InstalledTool : IAsyncLifetime
{
    public const string PackageId = "ClusterHost";

    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"clusterhost-tool-{Guid.NewGuid():N}");

    /// <summary>The installed command: <c>&lt;tool path&gt;/clusterhost</c>.</summary>
    public string Command => Path.Combine(ToolPath, "clusterhost");

    public string ToolPath => Path.Combine(_root, "tool");

    public string PackageFolder => Path.Combine(_root, "packages");

    /// <summary>How long packing and installing took.</summary>
    public TimeSpan PackAndInstallTime { get; private set; }

    /// <summary>The build configuration the tests run against (Debug, Release).</summary>
    public static string Configuration { get; } = new DirectoryInfo(Path.GetDirectoryName(TestPaths.Primary)!).Parent!.Name;

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        Directory.CreateDirectory(_root);
        // --no-build: the primary the other tests run is the one packed.
        await RunAsync(TestPaths.Dotnet, "pack", Path.Combine(RepoPaths.Root, "src", "ClusterPrimary", "ClusterPrimary.csproj"),
            "--no-build", "-c", Configuration, "-o", PackageFolder, "-nologo");
        // Only this folder as a package source: the tool installed is the one just packed.
        var nugetConfig = Path.Combine(_root, "nuget.config");
        await File.WriteAllTextAsync(nugetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{PackageFolder}" />
              </packageSources>
            </configuration>
            """);
        await RunAsync(TestPaths.Dotnet, "tool", "install", PackageId, "--tool-path", ToolPath, "--configfile", nugetConfig);
        PackAndInstallTime = stopwatch.Elapsed;
        if (!File.Exists(Command))
        {
            throw new InvalidOperationException($"dotnet tool install left no {Command}");
        }
    }

    /// <summary>The folder of the installed tool's files (ClusterPrimary.dll, sample/, worker/).</summary>
    public string InstalledFiles() =>
        Path.GetDirectoryName(Directory.GetFiles(Path.Combine(ToolPath, ".store"), "ClusterPrimary.dll", SearchOption.AllDirectories).Single())!;

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} took over {StepTimeout}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }
}
