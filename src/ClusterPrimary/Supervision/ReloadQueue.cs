using System.Threading.Channels;
using ClusterHost.Primary.Events;
using ClusterHost.Text;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Rolling reloads (SIGHUP, <c>clusterhost reload</c>), one at a time: one request made during a
/// reload is queued and runs after it; further ones join that queued one. A reload replaces every
/// ready worker, one at a time, and stops at the first replacement that fails, keeping the rest.
/// Every request gets the <see cref="ReloadRun"/> it joined, to follow and await.
/// </summary>
internal sealed class ReloadQueue(WorkerSlots slots, TimeProvider time, ILogger<ReloadQueue> logger, ClusterEventLog? events = null)
{
    private readonly Channel<ReloadRun> _requests = Channel.CreateUnbounded<ReloadRun>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private ReloadRun? _queued;

    /// <summary>A reload was asked for (queued or joined); raised on the caller's thread.</summary>
    public event Action? Requested;

    /// <summary>A reload ended (finished, aborted or failed) and none is queued.</summary>
    public event Action? Settled;

    /// <summary>Asks for a rolling reload; queued, or joined to the one already queued.</summary>
    /// <param name="observer">Told each step of the reload, from the first on; null when nobody follows it.</param>
    public ReloadRun Request(Action<string>? observer = null)
    {
        Requested?.Invoke();
        lock (_gate)
        {
            var joined = _queued is not null;
            var run = _queued ??= new ReloadRun();
            if (observer is not null)
            {
                run.Observe(observer);
            }
            if (joined)
            {
                Log.ReloadCoalesced(logger);
            }
            else if (_requests.Writer.TryWrite(run))
            {
                Log.ReloadRequested(logger);
            }
            else
            {
                _queued = null; // the queue has stopped: the cluster is stopping
                run.Complete(new ReloadOutcome(false, 0, slots.Count, "the cluster is stopping"));
            }
            return run;
        }
    }

    /// <summary>Runs the queued reloads until <paramref name="stoppingToken"/> is cancelled; a failed reload is logged and the next one runs.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var run in _requests.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    if (ReferenceEquals(_queued, run))
                    {
                        _queued = null; // from now on a request queues the next one
                    }
                }
                ReloadOutcome outcome;
                try
                {
                    outcome = await ReloadAsync(run).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    Log.ReloadFailed(logger, e);
                    outcome = new ReloadOutcome(false, 0, slots.Count, $"the reload failed: {e.Message}");
                }
                run.Complete(outcome);
                bool settled;
                lock (_gate)
                {
                    settled = _queued is null;
                }
                if (settled)
                {
                    Settled?.Invoke();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            lock (_gate)
            {
                _requests.Writer.TryComplete();
                _queued = null;
            }
            while (_requests.Reader.TryRead(out var pending))
            {
                pending.Complete(new ReloadOutcome(false, 0, slots.Count, "the cluster is stopping"));
            }
        }
    }

    private async Task<ReloadOutcome> ReloadAsync(ReloadRun run)
    {
        var started = time.GetTimestamp();
        var current = slots.Current;
        Log.ReloadStarted(logger, current.Count);
        Report(run, ClusterEventKind.ReloadStarted, null, null, $"reload started: replacing {current.Count} worker{(current.Count == 1 ? "" : "s")} one at a time");
        var replaced = 0;
        foreach (var slot in current)
        {
            if (slots.IsClosed)
            {
                return Stopped(run, replaced, current.Count);
            }
            if (slot.State != WorkerSlotState.Ready)
            {
                // A worker that is starting or backing off starts the new build anyway.
                Report(run, ClusterEventKind.ReloadProgress, slot.Id, null, $"worker {slot.Id} is {EnumNames<WorkerSlotState>.ToName(slot.State)}: it starts the new build by itself");
                continue;
            }
            var replacement = await slot.ReplaceWithOutcomeAsync(WorkerExitReason.Reload).ConfigureAwait(false);
            if (!replacement.Replaced)
            {
                if (slots.IsClosed)
                {
                    return Stopped(run, replaced, current.Count);
                }
                Log.ReloadAborted(logger, slot.Id, replaced, current.Count - replaced);
                var kept = current.Count - replaced;
                var failure = $"{replacement.Failure}; the reload stopped, {kept} worker{(kept == 1 ? "" : "s")} keep{(kept == 1 ? "s" : "")} serving the previous build";
                Report(run, ClusterEventKind.ReloadFailed, slot.Id, replacement.NewPid, $"reload failed: {failure}");
                return new ReloadOutcome(false, replaced, current.Count, failure);
            }
            replaced++;
            Report(run, ClusterEventKind.ReloadProgress, slot.Id, replacement.NewPid, $"worker {slot.Id}: pid {replacement.OldPid} replaced by pid {replacement.NewPid} ({replaced}/{current.Count})");
        }
        var elapsed = time.GetElapsedTime(started);
        Log.ReloadFinished(logger, replaced, elapsed);
        Report(run, ClusterEventKind.ReloadFinished, null, null, $"reload finished: {replaced} worker{(replaced == 1 ? "" : "s")} replaced in {elapsed.TotalSeconds:0.0} s");
        return new ReloadOutcome(true, replaced, current.Count, null);
    }

    private ReloadOutcome Stopped(ReloadRun run, int replaced, int total)
    {
        Report(run, ClusterEventKind.ReloadFailed, null, null, "reload stopped: the cluster is stopping");
        return new ReloadOutcome(false, replaced, total, "the cluster is stopping");
    }

    private void Report(ReloadRun run, ClusterEventKind kind, int? workerId, int? pid, string line)
    {
        events?.Add(kind, workerId, pid, line);
        run.Report(line);
    }
}
