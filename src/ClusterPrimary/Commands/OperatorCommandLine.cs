using System.CommandLine;
using ClusterHost.Primary.Operator;

namespace ClusterHost.Primary.Commands;

/// <summary>
/// The operator's subcommands, <c>clusterhost status|reload|scale|stop</c>, parsed by
/// System.CommandLine (each has <c>--help</c>). They talk to a running primary over its control
/// socket. The run command (<c>clusterhost [options] [APP]</c>) keeps its own parser, driven by
/// <see cref="Configuration.ClusterOptionTable"/>.
/// </summary>
internal static class OperatorCommandLine
{
    /// <summary>The subcommands and what each does, as <c>clusterhost --help</c> lists them.</summary>
    public static readonly IReadOnlyList<(string Name, string Usage, string Description)> Commands =
    [
        ("status", "status [--json] [--events]", "each worker's pid, state, uptime, restarts, requests, in-flight, RSS, CPU, lag, last exit"),
        ("reload", "reload", "rolling reload; waits for it and prints each worker's progress; exit 1 with the reason if the new build fails"),
        ("scale", "scale N|+N|-N", "add or drain workers; waits until N are ready, or exit 1 with the reason"),
        ("stop", "stop [--timeout S]", "drain every worker (each killed after S seconds) and wait until the primary exits"),
    ];

    public static bool IsCommand(string arg) => Commands.Any(c => c.Name == arg);

    public static async Task<int> InvokeAsync(string[] args)
    {
        var socket = new Option<string?>("--control-socket")
        {
            Description = $"the primary's control socket (default: {OperatorSocketPath.DefaultText}; found for the app run from the current directory)",
            HelpName = "PATH",
            Recursive = true,
        };

        var json = new Option<bool>("--json") { Description = "print the status as JSON (stable; see docs/control.md)" };
        var events = new Option<bool>("--events") { Description = "also print the recent events (restarts, give-ups, reloads, scaling, hung workers, recycling)" };
        var status = new Command("status", Commands[0].Description) { json, events };
        status.SetAction((result, cancellationToken) =>
            StatusCommand.RunAsync(result.GetValue(socket), result.GetValue(json), result.GetValue(events), cancellationToken));

        var reload = new Command("reload", Commands[1].Description);
        reload.SetAction((result, cancellationToken) =>
            ProgressCommand.RunAsync(result.GetValue(socket), new ReloadRequest(), cancellationToken));

        var workers = new Argument<string>("N") { Description = "the number of workers (3), or a change (+1, -1)" };
        var scale = new Command("scale", Commands[2].Description) { workers };
        scale.SetAction((result, cancellationToken) =>
            ProgressCommand.RunAsync(result.GetValue(socket), new ScaleRequest(result.GetValue(workers)!), cancellationToken));

        var timeout = new Option<double?>("--timeout") { Description = "seconds each worker may drain before it is killed (default: the primary's --shutdown-timeout)", HelpName = "S" };
        var stop = new Command("stop", Commands[3].Description) { timeout };
        stop.SetAction((result, cancellationToken) =>
            StopCommand.RunAsync(result.GetValue(socket), result.GetValue(timeout), cancellationToken));

        var root = new RootCommand("clusterhost: control a running ClusterHost primary over its control socket") { status, reload, scale, stop };
        root.Options.Add(socket);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"clusterhost: {error.Message}");
            }
            Console.Error.WriteLine($"Try 'clusterhost {args[0]} --help'.");
            return ExitCodes.Usage;
        }
        return await parsed.InvokeAsync().ConfigureAwait(false);
    }
}
