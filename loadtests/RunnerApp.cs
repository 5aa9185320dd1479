using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ClusterHost.LoadTests.Cli;
using ClusterHost.LoadTests.Cluster;
using ClusterHost.LoadTests.Scenarios;
using ClusterHost.LoadTests.Svg;
using Microsoft.Extensions.Logging;

namespace ClusterHost.LoadTests;

/// <summary>
/// The runner's entry point: parse, start the cluster (or target <c>--url</c>), run the
/// scenario, print the report, and stop the cluster however the run ends: normally, on an
/// exception, or on a signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT cancel the run; the cluster is
/// then stopped before the runner exits).
/// </summary>
internal static class RunnerApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var commandLine = RunnerCommandLine.Parse(args);
        if (commandLine.ShowHelp && commandLine.Errors.Count == 0)
        {
            output.Write(RunnerHelp.Build());
            return RunnerExitCodes.Success;
        }
        if (commandLine.Errors.Count > 0)
        {
            foreach (var problem in commandLine.Errors)
            {
                error.WriteLine($"loadtests: {problem}");
            }
            return RunnerExitCodes.Usage;
        }
        var options = commandLine.Options;

        using var loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            })
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        var logger = loggerFactory.CreateLogger("loadtests");

        using var interrupted = new CancellationTokenSource();
        var signals = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
            .Select(signal => PosixSignalRegistration.Create(signal, context =>
            {
                // Do not die yet: cancel, and let the `await using` below stop the cluster first.
                context.Cancel = true;
                if (!interrupted.IsCancellationRequested)
                {
                    Log.Interrupted(logger, context.Signal);
                    interrupted.Cancel();
                }
            }))
            .ToList();
        try
        {
            return await RunScenarioAsync(options, logger, output, interrupted.Token);
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            return RunnerExitCodes.Interrupted;
        }
        catch (ScenarioException e)
        {
            error.WriteLine($"loadtests: {e.Message}");
            return RunnerExitCodes.Failed;
        }
        finally
        {
            signals.ForEach(s => s.Dispose());
        }
    }

    private static async Task<int> RunScenarioAsync(RunnerOptions options, ILogger logger, TextWriter output, CancellationToken abort)
    {
        LocalCluster? cluster = null;
        try
        {
            ClusterTarget target;
            if (options.Url is { } url)
            {
                Log.TargetingUrl(logger, url);
                target = new ClusterTarget { Url = url, StartedByRunner = false };
            }
            else
            {
                cluster = await LocalCluster.StartAsync(options, logger, abort);
                target = cluster.Target;
            }

            IScenario scenario = options.Scenario switch
            {
                ScenarioKind.Stickiness => new StickinessScenario(),
                ScenarioKind.BlockedWorker => new BlockedWorkerScenario(),
                ScenarioKind.Crash => new CrashScenario(),
                ScenarioKind.Chaos => new ChaosScenario(),
                ScenarioKind.MixedCost => new MixedCostScenario(),
                ScenarioKind.SignalR => new SignalRScenario(),
                _ => throw new ArgumentOutOfRangeException(nameof(options), options.Scenario, null),
            };
            var result = await scenario.RunAsync(new ScenarioContext(target, options, logger, TimeProvider.System), abort);

            output.WriteLine();
            result.Report.WriteTo(output);
            output.Flush();
            if (result.BlockedWorker is { } blocked)
            {
                await WriteFileAsync(options.SvgPath, "the latency timeline", logger, abort, (stream, token) =>
                    stream.WriteAsync(Encoding.UTF8.GetBytes(LatencyTimelineChart.Render(blocked, result.Requests)), token).AsTask());
            }
            if (options.JsonPath is { } jsonPath)
            {
                await WriteFileAsync(jsonPath, "the raw results", logger, abort, (stream, token) =>
                    JsonSerializer.SerializeAsync(stream, result, RunnerJsonContext.Default.ScenarioResult, token));
            }
            // The chaos soak fails the run on any defect.
            return result.Chaos is { DefectCount: > 0 } ? RunnerExitCodes.Failed : RunnerExitCodes.Success;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }
    }

    /// <summary>Writes a result file (creating its folder); a failure is a <see cref="ScenarioException"/> naming the file.</summary>
    private static async Task WriteFileAsync(string path, string what, ILogger logger, CancellationToken abort, Func<Stream, CancellationToken, Task> write)
    {
        var fullPath = Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            await using var file = File.Create(fullPath);
            await write(file, abort);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException($"cannot write {what} to {fullPath}: {e.Message}");
        }
        Log.FileWritten(logger, what, fullPath);
    }
}
