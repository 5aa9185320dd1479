using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ClusterHost.Primary.Operator;
using ClusterHost.Primary.Status;
using Spectre.Console;

namespace ClusterHost.Primary.Commands;

/// <summary><c>clusterhost status [--json] [--events]</c>: the cluster at a glance, one row per worker slot, or its JSON (docs/control.md).</summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(string? socketPath, bool json, bool withEvents, CancellationToken cancellationToken)
    {
        ClusterStatus status;
        try
        {
            using var client = await OperatorClient.ConnectAsync(OperatorClient.Locate(socketPath, Environment.CurrentDirectory), cancellationToken).ConfigureAwait(false);
            await client.SendAsync(new StatusRequest(withEvents), cancellationToken).ConfigureAwait(false);
            switch (await client.ReceiveAsync(cancellationToken).ConfigureAwait(false))
            {
                case StatusReply reply:
                    status = reply.Status;
                    break;
                case DoneReply done:
                    Console.Error.WriteLine($"clusterhost: {done.Message}");
                    return ExitCodes.Failure;
                default:
                    throw new OperatorUnreachableException($"the primary at {client.Path} closed the connection before answering");
            }
        }
        catch (OperatorUnreachableException e)
        {
            Console.Error.WriteLine($"clusterhost: {e.Message}");
            return ExitCodes.Failure;
        }

        if (json)
        {
            using var stdout = Console.OpenStandardOutput();
            using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                JsonSerializer.Serialize(writer, status, OperatorJsonContext.Default.ClusterStatus);
            }
            stdout.Write("\n"u8);
            return ExitCodes.Success;
        }
        Render(status, CreateConsole(), Console.Out);
        return ExitCodes.Success;
    }

    private static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200; // a pipe or a file: no wrapping
        }
        return console;
    }

    internal static void Render(ClusterStatus status, IAnsiConsole console, TextWriter output)
    {
        // Plain lines (no markup): long paths must not be wrapped at the console's width.
        var uptime = status.Time - status.StartedAt;
        output.WriteLine(Inv($"ClusterHost {string.Join(", ", status.Urls)}  mode {status.Mode}  primary pid {status.PrimaryPid}, up {Duration(uptime.TotalSeconds)}"));
        output.WriteLine($"app {status.AppPath}  version {status.AppVersion ?? "unknown"}  cwd {status.WorkingDirectory}");
        if (status.StatusUrls.Count > 0)
        {
            output.WriteLine($"status page {string.Join(", ", status.StatusUrls)}  metrics {string.Join(", ", status.MetricsUrls)}");
        }

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in new[] { "worker", "pid", "state", "uptime", "restarts", "requests", "in-flight", "RSS", "CPU", "lag", "last exit" })
        {
            table.AddColumn(new TableColumn(column) { Alignment = column is "worker" or "state" or "last exit" ? Justify.Left : Justify.Right });
        }
        foreach (var w in status.Workers)
        {
            table.AddRow(
                Inv($"{w.Id}"),
                w.Pid is { } pid ? Inv($"{pid}") : "-",
                State(w.State),
                w.UptimeSeconds is { } up ? Duration(up) : "-",
                w.Restarts == 0 ? "0" : Inv($"[yellow]{w.Restarts}[/]"),
                w.Requests is { } requests ? Inv($"{requests}") : "-",
                w.InFlight is { } inFlight ? Inv($"{inFlight:0}") : "-",
                w.RssBytes is { } rss ? Inv($"{rss / 1048576.0:0.0} MB") : "-",
                w.CpuPercent is { } cpu ? Inv($"{cpu:0.0}%") : "-",
                w.LagSeconds is { } lag ? Inv($"{lag * 1000:0.0} ms") : "-",
                w.LastExit is { } exit ? Markup.Escape(exit.Reason) : "-");
        }
        console.Write(table);
        if (status.Standbys is { } standbys)
        {
            output.WriteLine(Inv($"standbys: {standbys.Warm} warm, {standbys.Warming} warming of {standbys.Configured}; {standbys.Taken} taken, {standbys.Discarded} discarded, {standbys.Failed} failed"));
        }

        if (status.Events is { } events)
        {
            output.WriteLine(events.Count == 0 ? "no events yet" : "events, oldest first:");
            foreach (var e in events)
            {
                output.WriteLine(Inv($"  {e.Time.ToLocalTime():HH:mm:ss}  {e.Kind,-16} {e.Message}"));
            }
        }
    }

    private static string State(string state) => state switch
    {
        "ready" => "[green]ready[/]",
        "gave-up" or "stopped" => $"[red]{state}[/]",
        _ => $"[yellow]{state}[/]",
    };

    private static string Duration(double seconds)
    {
        var s = (long)seconds;
        return s >= 86400 ? Inv($"{s / 86400}d{s % 86400 / 3600}h")
            : s >= 3600 ? Inv($"{s / 3600}h{s % 3600 / 60}m")
            : s >= 60 ? Inv($"{s / 60}m{s % 60}s")
            : Inv($"{s}s");
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
