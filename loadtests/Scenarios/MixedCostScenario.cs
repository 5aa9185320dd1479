using System.Runtime.CompilerServices;
using ClusterHost.LoadTests.Http;
using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Reports;

namespace ClusterHost.LoadTests.Scenarios;

/// <summary>
/// When L7 balancing pays: requests of two CPU costs (<c>/work?us=</c>, by default 95 % of 0.2 ms
/// and 5 % of 50 ms) over <c>--connections</c> keep-alive connections (64). With <c>--rate</c>, open
/// loop: requests fall due on a fixed schedule (<see cref="OpenLoopSchedule"/>) whether or not the
/// earlier ones were answered, and latency runs from the time due, so queueing shows (no
/// coordinated omission). Without, closed loop: each connection sends when its last answer arrives,
/// and the achieved rate is the target's capacity for the mix. <c>--warmup</c> seconds of load come
/// first and are not counted; then <c>--duration</c> seconds are measured; requests due by then are
/// still sent and awaited (up to <see cref="DrainLimit"/>).
/// </summary>
internal sealed class MixedCostScenario : IScenario
{
    /// <summary>Per request: a heavy one behind a backlog can take long; a stuck one is a failure.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long after the window the requests due in it may still take.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(30);

    /// <summary>Between opening the connections and the first request due.</summary>
    private const double LeadMs = 50;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken abort)
    {
        var options = context.Options;
        var recorder = new ScenarioRecorder(new ScenarioClock(context.TimeProvider));
        var client = new LoadClient(context.Target.Url, recorder, RequestTimeout);
        var mix = new CostMix(options.LightMicroseconds, options.HeavyMicroseconds, options.HeavyPercent, options.Seed);
        var count = options.ConnectionsFor(context.Target.Workers ?? 2);
        Log.MixedCostStarting(context.Logger, context.Target.Url, options.Rate?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) ?? "max (closed loop)",
            count, mix.ToString(), options.WarmupSeconds, options.DurationSeconds);

        var lanes = await OpenLanesAsync(client, context.Target.Url, count, abort);
        var startMs = recorder.Clock.NowMs + LeadMs;
        var windowStartMs = startMs + options.WarmupSeconds * 1000;
        var endMs = windowStartMs + options.DurationSeconds * 1000.0;
        IReadOnlyList<double>? lags = null;
        int unsent;
        if (options.Rate is { } rate)
        {
            var schedule = new OpenLoopSchedule(rate, lanes.Count, startMs);
            var pacer = new OpenLoopPacer(schedule, mix, recorder.Clock, [.. lanes.Select(l => l.Queue)]);
            using var drain = CancellationTokenSource.CreateLinkedTokenSource(abort);
            var running = lanes.Select(l => l.RunOpenLoopAsync(drain.Token)).ToList();
            await pacer.RunAsync(endMs, abort);
            Log.MixedCostDraining(context.Logger, lanes.Sum(l => l.Unsent));
            drain.CancelAfter(DrainLimit);
            await AwaitLanesAsync(running, abort);
            unsent = lanes.Sum(l => l.Unsent);
            lags = pacer.LagsMs;
        }
        else
        {
            using var stop = new CancellationTokenSource();
            var next = new StrongBox<long>(0);
            var running = lanes.Select(l => l.RunClosedLoopAsync(mix, next, stop.Token, abort)).ToList();
            var left = endMs - recorder.Clock.NowMs;
            if (left > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(left), context.TimeProvider, abort);
            }
            stop.Cancel();
            await AwaitLanesAsync(running, abort);
            unsent = 0;
        }

        var requests = recorder.Requests;
        return new ScenarioResult
        {
            Scenario = "mixed-cost",
            Target = context.Target,
            Connections = recorder.Connections,
            Requests = requests,
            MixedCost = MixedCostReport.Compute(context.Target.Url.ToString(), context.Target.Mode, lanes.Count, options.Rate, mix,
                options.WarmupSeconds, options.DurationSeconds, windowStartMs, requests, unsent, lags),
        };
    }

    /// <summary>Opens the connections (all at once) and asks <c>/work?us=0</c> on each: the endpoint is there, the connection is warm.</summary>
    private static async Task<IReadOnlyList<MixedCostLane>> OpenLanesAsync(LoadClient client, Uri url, int count, CancellationToken abort)
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var connection = await client.OpenAsync("mixed-cost", RequestKind.Probe, abort);
            RequestRecord? probe = connection is null ? null : await client.SendAsync(connection, "/work?us=0", RequestKind.Probe, abort);
            return (Connection: connection, Probe: probe);
        }));
        var lanes = opened.Where(o => o.Probe is { Succeeded: true }).Select(o => new MixedCostLane(client, o.Connection!)).ToList();
        if (lanes.Count < count)
        {
            foreach (var (connection, _) in opened)
            {
                connection?.Dispose();
            }
            var failed = opened.Select(o => o.Probe).FirstOrDefault(p => p is { Succeeded: false });
            throw failed is not null
                ? LoadSetup.Unexpected(failed)
                : new ScenarioException($"only {lanes.Count} of {count} connections to {url} could be opened");
        }
        return lanes;
    }

    /// <summary>Awaits the lanes; a lane cut short by the drain limit (not by the caller) just stops.</summary>
    private static async Task AwaitLanesAsync(IEnumerable<Task> lanes, CancellationToken abort)
    {
        try
        {
            await Task.WhenAll(lanes);
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            // The drain limit: what was never sent is counted as unsent.
        }
    }
}
