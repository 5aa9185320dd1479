using System.Globalization;
using System.Text.RegularExpressions;
using ClusterHost.LoadTests.Cli;
using ClusterHost.LoadTests.Http;
using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Platform;
using ClusterHost.LoadTests.Reports;
using ClusterHost.Text;

namespace ClusterHost.LoadTests.Scenarios;

/// <summary>
/// A soak under chaos: <c>--duration</c> seconds of mixed load from clients that never retry
/// (keep-alive GETs that reconnect only after <c>Connection: close</c>, a new connection per GET,
/// keep-alive POSTs, slow uploads on new connections) while a schedule seeded by <c>--seed</c>
/// fires, every 2 to 4 s: SIGHUP reloads, SIGKILL and SIGSTOP (then SIGCONT) of a worker, memory
/// recycling (<c>/leak</c> past <c>--max-memory</c>), scale up and down (SIGTTIN, SIGTTOU) and a
/// worker flooding its stdout. Every failed request is classified (<see cref="ChaosReport"/>).
/// </summary>
internal sealed partial class ChaosScenario : IScenario
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopFor = TimeSpan.FromSeconds(2);
    private static readonly string[] Faults = ["reload", "kill", "stop", "recycle", "scale", "flood"];

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken abort)
    {
        var target = context.Target;
        if (target.PrimaryPid is not { } primary)
        {
            throw new ScenarioException("chaos signals the primary: it runs only against a cluster the runner starts (no --url)");
        }
        var recorder = new ScenarioRecorder(new ScenarioClock(context.TimeProvider));
        var client = new LoadClient(target.Url, recorder, RequestTimeout);
        var events = new List<ChaosEvent>();
        var duration = TimeSpan.FromSeconds(context.Options.DurationSeconds);
        var think = TimeSpan.FromMilliseconds(context.Options.ThinkMs);

        using var stop = new CancellationTokenSource();
        var lanes = new List<Task>();
        var faults = new List<Task<int?>>();
        for (var i = 0; i < 4; i++)
        {
            lanes.Add(KeepAliveLaneAsync(client, think, upload: false, stop.Token, abort));
            lanes.Add(FreshLaneAsync(client, think, stop.Token, abort));
        }
        lanes.Add(KeepAliveLaneAsync(client, think, upload: true, stop.Token, abort));
        lanes.Add(KeepAliveLaneAsync(client, think, upload: true, stop.Token, abort));
        lanes.Add(SlowUploadLaneAsync(client, stop.Token, abort));
        lanes.Add(SlowUploadLaneAsync(client, stop.Token, abort));

        var random = new Random(context.Options.Seed);
        var workers = target.Workers ?? 2;
        var minWorkers = workers;
        try
        {
            var started = context.TimeProvider.GetTimestamp();
            while (context.TimeProvider.GetElapsedTime(started) < duration)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(2000, 4000)), context.TimeProvider, abort);
                var live = LivePids(target.PrimaryOutput());
                var victim = live.Count == 0 ? (int?)null : live[random.Next(live.Count)];
                var fault = Faults[random.Next(Faults.Length)];
                var at = recorder.Clock.NowMs;
                switch (fault)
                {
                    case "reload":
                        Signals.Send(primary, Signals.SIGHUP);
                        events.Add(new(at, "reload (SIGHUP)", null));
                        break;
                    case "kill" when victim is { } pid:
                        Signals.Send(pid, Signals.SIGKILL);
                        events.Add(new(at, "SIGKILL", pid));
                        break;
                    case "stop" when victim is { } pid:
                        Signals.Send(pid, Signals.SIGSTOP);
                        events.Add(new(at, $"SIGSTOP for {StopFor.TotalSeconds:0} s", pid));
                        await Task.Delay(StopFor, context.TimeProvider, abort);
                        Signals.Send(pid, Signals.SIGCONT);
                        break;
                    case "recycle":
                        // Not awaited: the schedule goes on while the worker grows and is recycled.
                        faults.Add(FaultAsync(client, "/leak?mb=400", abort));
                        events.Add(new(at, $"recycle (/leak past {Cluster.LocalCluster.ChaosMaxMemory})", null));
                        break;
                    case "scale":
                        var up = workers == minWorkers;
                        Signals.Send(primary, up ? Signals.SIGTTIN : Signals.SIGTTOU);
                        workers += up ? 1 : -1;
                        events.Add(new(at, up ? "scale up (SIGTTIN)" : "scale down (SIGTTOU)", null));
                        break;
                    case "flood":
                        faults.Add(FaultAsync(client, "/flood-stdout?mbps=50&seconds=5", abort));
                        events.Add(new(at, "stdout flood 50 MB/s for 5 s", null));
                        break;
                }
                Log.ChaosFault(context.Logger, events.Count == 0 ? fault : events[^1].Kind, events.Count == 0 ? null : events[^1].Pid);
            }
            // Let the last fault settle before the load stops.
            await Task.Delay(TimeSpan.FromSeconds(3), context.TimeProvider, abort);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(lanes);
            await Task.WhenAll(faults);
        }

        var requests = recorder.Requests;
        return new ScenarioResult
        {
            Scenario = EnumNames<ScenarioKind>.ToName(ScenarioKind.Chaos),
            Target = target,
            Connections = recorder.Connections,
            Requests = requests,
            Chaos = ChaosReport.Compute(target.Mode ?? "unknown", context.Options, requests, events),
        };
    }

    // A fault endpoint on a new connection: the pid that took it, or null.
    private static async Task<int?> FaultAsync(LoadClient client, string path, CancellationToken abort)
    {
        using var connection = await client.OpenAsync("fault", RequestKind.Fault, abort);
        return connection is null ? null : (await client.SendAsync(connection, path, RequestKind.Fault, abort)).Pid;
    }

    private static async Task KeepAliveLaneAsync(LoadClient client, TimeSpan think, bool upload, CancellationToken stop, CancellationToken abort)
    {
        var body = new byte[4096];
        RawHttpConnection? connection = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                connection ??= await client.OpenAsync(upload ? "upload" : "keep-alive", upload ? RequestKind.Upload : RequestKind.Load, abort);
                if (connection is not null)
                {
                    var record = upload
                        ? await PostAsync(client, connection, body, 1, TimeSpan.Zero, RequestKind.Upload, abort)
                        : await client.SendAsync(connection, "/", RequestKind.Load, abort);
                    // As http.client does: a new connection only after Connection: close, or a failure.
                    if (connection.WillClose || !record.Succeeded)
                    {
                        connection.Dispose();
                        connection = null;
                    }
                }
                await Task.Delay(think, abort);
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private static async Task FreshLaneAsync(LoadClient client, TimeSpan think, CancellationToken stop, CancellationToken abort)
    {
        while (!stop.IsCancellationRequested)
        {
            using (var connection = await client.OpenAsync("fresh", RequestKind.Fresh, abort))
            {
                if (connection is not null)
                {
                    await client.SendAsync(connection, "/", RequestKind.Fresh, abort);
                }
            }
            await Task.Delay(think, abort);
        }
    }

    private static async Task SlowUploadLaneAsync(LoadClient client, CancellationToken stop, CancellationToken abort)
    {
        var body = new byte[64 * 1024];
        while (!stop.IsCancellationRequested)
        {
            using var connection = await client.OpenAsync("slow-upload", RequestKind.SlowUpload, abort);
            if (connection is null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), abort);
                continue;
            }
            await PostAsync(client, connection, body, 8, TimeSpan.FromMilliseconds(125), RequestKind.SlowUpload, abort);
        }
    }

    private static async Task<RequestRecord> PostAsync(
        LoadClient client, RawHttpConnection connection, byte[] body, int chunks, TimeSpan pause, RequestKind kind, CancellationToken abort)
    {
        var start = client.Clock.NowMs;
        RequestRecord record;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
            timeout.CancelAfter(RequestTimeout);
            var response = await connection.PostAsync("/upload", body, chunks, pause, timeout.Token);
            var answer = response.Status is >= 200 and < 300
                ? System.Text.Json.JsonSerializer.Deserialize(response.Body, RunnerJsonContext.Default.WorkerAnswer)
                : null;
            record = new RequestRecord
            {
                Connection = connection.Id, Kind = kind, Path = "/upload", StartMs = start, DurationMs = client.Clock.NowMs - start,
                Outcome = RequestOutcome.Answered, Status = response.Status, Worker = answer?.Worker, Pid = answer?.Pid,
                Error = response.Status is >= 200 and < 300 ? null : response.Body,
            };
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            record = Failed(RequestOutcome.TimedOut, "no response in time");
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException or InvalidOperationException)
        {
            record = Failed(RequestOutcome.Lost, e.InnerException?.Message ?? e.Message);
        }
        client.Recorder.Add(record);
        return record;

        RequestRecord Failed(RequestOutcome outcome, string error) => new()
        {
            Connection = connection.Id, Kind = kind, Path = "/upload", StartMs = start, DurationMs = client.Clock.NowMs - start,
            Outcome = outcome, Error = error,
        };
    }

    /// <summary>The worker pids alive now, from the primary's ready and exit lines.</summary>
    internal static List<int> LivePids(IReadOnlyList<string> primaryOutput)
    {
        var live = new List<int>();
        foreach (var line in primaryOutput)
        {
            if (ReadyLine().Match(line) is { Success: true } ready)
            {
                live.Add(int.Parse(ready.Groups[1].Value, CultureInfo.InvariantCulture));
            }
            else if (ExitLine().Match(line) is { Success: true } exited)
            {
                live.Remove(int.Parse(exited.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }
        return live;
    }

    [GeneratedRegex(@"Worker \d+ \(pid (\d+)\) ready")]
    private static partial Regex ReadyLine();

    [GeneratedRegex(@"Worker \d+ \(pid (\d+)\) (?:exited|drained and exited|was not ready)")]
    private static partial Regex ExitLine();
}
