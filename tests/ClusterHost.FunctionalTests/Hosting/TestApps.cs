using System.Diagnostics;
using System.Reflection;
using ClusterHost.FunctionalTests.Infrastructure;

namespace ClusterHost.FunctionalTests.Hosting;

/// <summary>The apps in tests/Apps: written as any developer would, with no reference to ClusterHost.</summary>
internal static class TestApps
{
    public const string NotesApi = "NotesApi";
    public const string CookieLogin = "CookieLogin";
    public const string EchoSockets = "EchoSockets";
    public const string GrpcGreeter = "GrpcGreeter";
    public const string PrometheusNetApp = "PrometheusNetApp";
    public const string ChatRoom = "ChatRoom";

    private static string Metadata(string key) => typeof(TestApps).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string Directory(string name) => Path.Combine(Metadata("AppsDirectory"), name);

    /// <summary>The app's build output: <c>tests/Apps/NAME/bin/CONFIGURATION/net10.0/NAME.dll</c>.</summary>
    public static string Dll(string name) => Path.Combine(Directory(name), "bin", Metadata("Configuration"), "net10.0", name + ".dll");

    /// <summary>The apphost executable the SDK writes beside the .dll.</summary>
    public static string AppHost(string name) => Path.ChangeExtension(Dll(name), null);

    public const string Net8Api = "Net8Api";

    // One self-contained publish per test run, shared: two publishes of one project at once would
    // share its obj/ folder.
    private static readonly Lazy<Task<string>> Net8ApiPublish = new(PublishNet8ApiAsync);

    /// <summary>
    /// tests/Apps/Net8Api published self-contained for linux-x64, once per test run (only the .NET 10
    /// runtime is installed here; the .NET 8 runtime pack is served); returns the apphost.
    /// </summary>
    public static Task<string> Net8ApiSelfContainedAsync() => Net8ApiPublish.Value;

    private static async Task<string> PublishNet8ApiAsync()
    {
        var output = new TempDirectory();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => output.Dispose();
        return await PublishAsync(Net8Api, output.Path, "-r", "linux-x64", "--self-contained");
    }

    /// <summary>Runs <c>dotnet publish</c> on an app into <paramref name="output"/>; returns the apphost.</summary>
    public static async Task<string> PublishAsync(string name, string output, params string[] options)
    {
        var startInfo = new ProcessStartInfo(TestPaths.Dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "publish", Path.Combine(Directory(name), name + ".csproj"), "-o", output, "-nologo", "-v", "quiet" },
        };
        foreach (var option in options)
        {
            startInfo.ArgumentList.Add(option);
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        Assert.True(process.ExitCode == 0, $"dotnet publish {name} failed:\n{await stdout}\n{await stderr}");
        return Path.Combine(output, name);
    }
}
