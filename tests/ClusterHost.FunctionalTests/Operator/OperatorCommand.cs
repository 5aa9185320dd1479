using System.Diagnostics;
using System.Text.Json.Nodes;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Operator;

/// <summary>One run of <c>clusterhost status|reload|scale|stop ...</c> (the built primary), to its end, optionally as another user.</summary>
internal sealed record OperatorCommand(int ExitCode, string Output, string Error)
{
    /// <summary>Runs the command; bounded by <see cref="ClusterProcess.Patience"/>; the process is killed if it outlives it.</summary>
    /// <param name="output">Where the command's output is logged.</param>
    /// <param name="args">The subcommand and its arguments.</param>
    /// <param name="asUser">Run through <c>setpriv</c> as this user and group (root: null).</param>
    public static async Task<OperatorCommand> RunAsync(ITestOutputHelper? output, IEnumerable<string> args, string? asUser = null)
    {
        var startInfo = asUser is null
            ? new ProcessStartInfo(TestPaths.Dotnet)
            : new ProcessStartInfo(Metrics.RequiredTool.Find("setpriv", "util-linux"));
        if (asUser is not null)
        {
            foreach (var arg in new[] { $"--reuid={asUser}", $"--regid={asUser}", "--clear-groups", "--", TestPaths.Dotnet })
            {
                startInfo.ArgumentList.Add(arg);
            }
            startInfo.Environment["HOME"] = "/tmp";
        }
        startInfo.ArgumentList.Add(TestPaths.Primary);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        startInfo.WorkingDirectory = Path.GetTempPath();
        startInfo.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ClusterProcess.Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"clusterhost {string.Join(' ', args)} did not end within {ClusterProcess.Patience}");
        }
        var result = new OperatorCommand(process.ExitCode, await stdout, await stderr);
        output?.WriteLine($"$ clusterhost {string.Join(' ', args)}{(asUser is null ? "" : $" (as {asUser})")} -> exit {result.ExitCode}\n{result.Output}{result.Error}");
        return result;
    }

    /// <summary><c>clusterhost status --json</c> on <paramref name="socket"/>, parsed.</summary>
    public static async Task<JsonObject> StatusAsync(ITestOutputHelper? output, string socket)
    {
        var status = await RunAsync(null, ["status", "--json", "--control-socket", socket]);
        Assert.True(status.ExitCode == 0, $"status failed: {status.Error}");
        return JsonNode.Parse(status.Output)!.AsObject();
    }
}
