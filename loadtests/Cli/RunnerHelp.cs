using System.Text;
using ClusterHost.Text;

namespace ClusterHost.LoadTests.Cli;

/// <summary>The text of <c>--help</c>.</summary>
internal static class RunnerHelp
{
    public static string Build()
    {
        var text = new StringBuilder();
        text.AppendLine("usage: dotnet run --project loadtests -- <scenario> [options]");
        text.AppendLine();
        text.AppendLine("Starts a ClusterHost cluster (the built primary and SampleApp, fault endpoints on) on a free");
        text.AppendLine("loopback port, or targets --url, drives it with HTTP/1.1 connections it controls one by one,");
        text.AppendLine("prints a report ending in a one-line verdict, and stops what it started.");
        text.AppendLine();
        text.AppendLine("scenarios:");
        text.AppendLine("  stickiness       K keep-alive connections x M requests: the workers each connection saw;");
        text.AppendLine("                   then fresh connections: how they spread across workers");
        text.AppendLine("  blocked-worker   load on keep-alive connections while one worker is blocked (/block):");
        text.AppendLine("                   per-worker latency during the block, and an SVG timeline");
        text.AppendLine("  crash            load, slow requests in flight on every worker, then one worker crashes");
        text.AppendLine("                   (/crash): which requests failed, and when the slot served again");
        text.AppendLine("  chaos            non-retrying load under reloads, kills, stops, recycling, scaling, a stdout flood");
        text.AppendLine("  mixed-cost       requests of two CPU costs (/work?us=) at a fixed offered rate (--rate, open loop:");
        text.AppendLine("                   latency from the time due) or closed loop (capacity): p50, p99, p99.9 per class");
        text.AppendLine("  signalr          chat clients (tests/Apps/ChatRoom) each broadcasting: connections made and receivers");
        text.AppendLine("                   per message, before and after a worker is killed");
        text.AppendLine();
        text.AppendLine("options:");
        foreach (var option in RunnerSwitches.All)
        {
            var scope = option.Scenarios.Count == 0 ? "" : $" [{string.Join(", ", option.Scenarios.Select(EnumNames<ScenarioKind>.ToName))}]";
            text.AppendLine($"  {option.Name + " " + option.ValueName,-22} {option.Description}{scope}");
        }
        text.AppendLine();
        text.AppendLine("exit codes: 0 the scenario ran (read the verdict); 1 it could not run; 2 invalid options;");
        text.AppendLine("130 interrupted (the cluster it started is stopped all the same).");
        return text.ToString();
    }
}
