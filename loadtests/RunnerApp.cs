using System.Runtime.InteropServices;
using System.Text.Json;
using ClusterHost.LoadTests.Cli;
using ClusterHost.LoadTests.Cluster;
using ClusterHost.LoadTests.Scenarios;
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
            return await RunScenarioAsync(options, logger, output, error, interrupted.Token);
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

    private static async Task<int> RunScenarioAsync(RunnerOptions options, ILogger logger, TextWriter output, TextWriter error, CancellationToken abort)
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
                _ => throw new ArgumentOutOfRangeException(nameof(options), options.Scenario, null),
            };
            var result = await scenario.RunAsync(new ScenarioContext(target, options, logger, TimeProvider.System), abort);

            output.WriteLine();
            result.Report.WriteTo(output);
            output.Flush();
            if (options.JsonPath is { } jsonPath)
            {
                var path = Path.GetFullPath(jsonPath);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await using var file = File.Create(path);
                await JsonSerializer.SerializeAsync(file, result, RunnerJsonContext.Default.ScenarioResult, abort);
                Log.FileWritten(logger, "the raw results", path);
            }
            return RunnerExitCodes.Success;
        }
        catch (IOException e) when (e is not EndOfStreamException)
        {
            // Writing a result file failed; the cluster is stopped all the same.
            error.WriteLine($"loadtests: {e.Message}");
            return RunnerExitCodes.Failed;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }
    }
}
