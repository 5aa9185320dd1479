using System.Globalization;
using ClusterHost.LoadTests.Cli;
using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Reports;
using ClusterHost.Text;

namespace ClusterHost.LoadTests.Scenarios;

/// <summary>
/// Load on keep-alive connections owned by every worker; after a second of warm-up, one slow
/// request (<c>/delay</c>) goes in flight on every worker, then one worker crashes
/// (<c>/crash</c>). Rounds of fresh connections then probe until the slot's new process answers; the
/// load runs on a second longer and the slow requests are awaited.
/// </summary>
internal sealed class CrashScenario : IScenario
{
    /// <summary>How long the slow requests take; they are in flight when the crash comes.</summary>
    public const int SlowRequestMs = 3000;

    /// <summary>From sending the slow requests to sending <c>/crash</c>.</summary>
    public static readonly TimeSpan CrashAfter = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the slot may take to serve again before the report says it did not.</summary>
    public static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken abort)
    {
        var recorder = new ScenarioRecorder(new ScenarioClock(context.TimeProvider));
        var client = new LoadClient(context.Target.Url, recorder, RequestTimeout);

        var connections = await LoadSetup.OpenLoadConnectionsAsync(context, client, abort);
        var victim = LoadSetup.ChooseVictim(connections, context.Options.Victim);
        var slowTargets = new List<OwnedConnection>();
        OwnedConnection crashTarget;
        try
        {
            foreach (var worker in connections.Select(c => c.Worker).Distinct().Order())
            {
                slowTargets.Add(await LoadSetup.FindConnectionToAsync(client, worker, "slow", abort));
            }
            crashTarget = await LoadSetup.FindConnectionToAsync(client, victim, "crash", abort);
        }
        catch
        {
            LoadSetup.Dispose([.. connections, .. slowTargets]);
            throw;
        }

        using var stop = new CancellationTokenSource();
        var think = TimeSpan.FromMilliseconds(context.Options.ThinkMs);
        var lanes = connections.Select(c => new LoadLane(client, c, think).RunAsync(stop.Token, abort)).ToList();
        var slow = new List<Task<RequestRecord>>();
        RequestRecord crash;
        RequestRecord? servedAgain;
        var crashed = (Worker: victim, Pid: crashTarget.Pid);
        try
        {
            await Task.Delay(LoadSetup.WarmUp, context.TimeProvider, abort);
            slow.AddRange(slowTargets.Select(t => client.SendAsync(
                t.Connection, string.Create(CultureInfo.InvariantCulture, $"/delay?ms={SlowRequestMs}"), RequestKind.Slow, abort)));
            Log.SlowRequestsSent(context.Logger, slow.Count, SlowRequestMs);
            await Task.Delay(CrashAfter, context.TimeProvider, abort);

            // Which process serves each slot now: the crashed one is the slot whose process changes.
            var pidsBefore = recorder.Requests.Where(r => r is { Succeeded: true, Worker: not null, Pid: not null })
                .GroupBy(r => r.Worker!.Value).ToDictionary(g => g.Key, g => g.Last().Pid!.Value);
            Log.Crashing(context.Logger, victim, crashTarget.Pid, crashTarget.Connection.Id);
            crash = await client.SendAsync(crashTarget.Connection, "/crash", RequestKind.Crash, abort);
            // A worker's death shows as a lost connection, or as a gateway error from a proxy in front.
            if (crash.Outcome == RequestOutcome.Answered && crash.Status is not (502 or 503 or 504))
            {
                throw LoadSetup.Unexpected(crash);
            }
            Log.CrashSeen(context.Logger, victim, (long)crash.DurationMs, crash.Error ?? $"HTTP {crash.Status}");

            servedAgain = await ProbeUntilReplacedAsync(context, client, pidsBefore, abort);
            if (servedAgain is { Worker: { } slot, Pid: { } newPid })
            {
                // In a connection-level mode this is the victim; behind a proxy, whichever worker /crash reached.
                crashed = (slot, pidsBefore[slot]);
                Log.ServedAgain(context.Logger, slot, newPid, (long)(servedAgain.EndMs - crash.EndMs));
            }
            await Task.Delay(LoadSetup.CoolDown, context.TimeProvider, abort);
            await Task.WhenAll(slow);
        }
        finally
        {
            await LoadSetup.StopAsync(stop, lanes);
            LoadSetup.Dispose([.. slowTargets, crashTarget]);
        }

        var requests = recorder.Requests;
        return new ScenarioResult
        {
            Scenario = EnumNames<ScenarioKind>.ToName(ScenarioKind.Crash),
            Target = context.Target,
            Connections = recorder.Connections,
            Requests = requests,
            Crash = CrashReport.Compute(recorder.Connections, requests, crash, crashed.Worker, crashed.Pid, servedAgain,
                context.Target.Workers, context.Target.Mode, context.Target.PrimaryOutput()),
        };
    }

    /// <summary>
    /// Rounds of fresh connections (one per worker at once, so the kernel's hash is not what we
    /// wait for) every <see cref="ProbeInterval"/>, until a slot answers from another process
    /// than <paramref name="pidsBefore"/> says: the crashed slot, served again. Null after
    /// <see cref="RecoveryTimeout"/>.
    /// </summary>
    private static async Task<RequestRecord?> ProbeUntilReplacedAsync(
        ScenarioContext context, LoadClient client, IReadOnlyDictionary<int, int> pidsBefore, CancellationToken abort)
    {
        var probesPerRound = Math.Clamp(context.Target.Workers ?? 4, 2, 8);
        var started = context.TimeProvider.GetTimestamp();
        while (context.TimeProvider.GetElapsedTime(started) < RecoveryTimeout)
        {
            var round = await Task.WhenAll(Enumerable.Range(0, probesPerRound).Select(async _ =>
            {
                using var probe = await client.OpenAsync("recovery", RequestKind.Fresh, abort);
                return probe is null ? null : await client.SendAsync(probe, "/", RequestKind.Fresh, abort);
            }));
            var replaced = round.OfType<RequestRecord>()
                .Where(r => r is { Succeeded: true, Worker: { } w, Pid: { } p } && pidsBefore.TryGetValue(w, out var before) && before != p);
            if (replaced.MinBy(r => r.EndMs) is { } answer)
            {
                return answer;
            }
            await Task.Delay(ProbeInterval, context.TimeProvider, abort);
        }
        return null;
    }
}
