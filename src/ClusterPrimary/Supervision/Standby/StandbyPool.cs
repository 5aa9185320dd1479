using System.Diagnostics.CodeAnalysis;
using ClusterHost.Control;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Control;
using ClusterHost.Primary.Platform;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Supervision.Standby;

/// <summary>
/// Keeps <c>--standby</c> warm processes (<see cref="StandbyProcess"/>) ready to become workers, so
/// that a worker that crashes, is killed or is added starts in a fraction of a cold start. The
/// first are started once the cluster is ready (they never slow its start); one taken is replaced
/// a second after the worker it became is ready (not while that worker starts, on the same CPUs).
/// </summary>
/// <remarks>
/// A standby is used only while what its runtime fixed at its start still holds: the app's files
/// (<see cref="AppFileStamp"/>) and the runtime variables of a worker's environment, which depend on
/// the worker count through the GC settings (<see cref="StandbyEnvironment"/>). Otherwise it is
/// discarded and the launch starts cold. A standby that exits while it waits is replaced after a
/// pause; after <see cref="MaxConsecutiveFailures"/> in a row, no more are kept.
/// </remarks>
internal sealed class StandbyPool(
    ClusterHostConfig config, ControlServer controlServer, WorkerSlots slots, InheritedListeners inheritedListeners,
    TimeProvider time, ILogger<StandbyPool> logger) : IDisposable
{
    /// <summary>How long after the worker a standby became is ready its replacement starts: 1 s.</summary>
    internal static readonly TimeSpan RefillDelay = TimeSpan.FromSeconds(1);

    /// <summary>Standbys that exit while waiting, in a row, before no more are started: 5.</summary>
    internal const int MaxConsecutiveFailures = 5;

    private readonly Lock _gate = new();
    private readonly List<StandbyProcess> _waiting = [];
    private readonly HashSet<StandbyProcess> _discarded = [];
    private readonly List<Task> _exits = [];
    private readonly CancellationTokenSource _closing = new();
    private bool _open;
    private int _consecutiveFailures;
    private long _takes;
    private long _discards;
    private long _failures;

    /// <summary>The standbys now, and what became of those started so far (for <c>/metrics</c> and status); null when <c>--standby</c> is 0.</summary>
    public StandbyCounts? Counts
    {
        get
        {
            if (config.Standby == 0)
            {
                return null;
            }
            lock (_gate)
            {
                var warming = _waiting.Count(s => !s.Process.Exited.IsCompleted && !s.IsWarm);
                var warm = _waiting.Count(s => !s.Process.Exited.IsCompleted && s.IsWarm);
                return new StandbyCounts(warming, warm, _takes, _discards, _failures);
            }
        }
    }

    /// <summary>Starts the standbys (at most <c>--standby</c>); called once the cluster is ready.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (config.Standby == 0 || _closing.IsCancellationRequested)
            {
                return;
            }
            _open = true;
        }
        Fill();
    }

    /// <summary>
    /// Takes a warm standby that can become a worker whose environment is
    /// <paramref name="environment"/>, with the <paramref name="changes"/> to send it; discards
    /// those that cannot. False when none can: the launch starts cold.
    /// </summary>
    public bool TryTake(
        IDictionary<string, string?> environment,
        [NotNullWhen(true)] out StandbyProcess? standby,
        [NotNullWhen(true)] out IReadOnlyDictionary<string, string?>? changes)
    {
        var appFiles = (AppFileStamp?)null;
        lock (_gate)
        {
            // The oldest warm one; one still warming is left to warm (taken now, it would start later than a cold process).
            foreach (var candidate in _waiting.ToArray())
            {
                if (candidate.Process.Exited.IsCompleted)
                {
                    _waiting.Remove(candidate);
                    continue;
                }
                if (!candidate.IsWarm)
                {
                    continue;
                }
                _waiting.Remove(candidate);
                appFiles ??= AppFileStamp.Read(config.AppPath);
                string? unusable = null;
                Dictionary<string, string?>? found = null;
                if (candidate.AppFiles != appFiles)
                {
                    unusable = "the app's files changed since it started";
                }
                else if ((found = StandbyEnvironment.Changes(candidate.Environment, environment, out var blocking)) is null)
                {
                    unusable = $"{blocking} differs from what it started with (the runtime reads it at start)";
                }
                if (unusable is null)
                {
                    _consecutiveFailures = 0;
                    _takes++;
                    Log.StandbyTaken(logger, environment.TryGetValue(WorkerEnvironmentVariables.WorkerId, out var id) && int.TryParse(id, out var workerId) ? workerId : -1,
                        candidate.Pid, (long)time.GetElapsedTime(candidate.StartedAt).TotalMilliseconds);
                    standby = candidate;
                    changes = found!;
                    return true;
                }
                _discarded.Add(candidate);
                _discards++;
                Log.StandbyDiscarded(logger, candidate.Pid, unusable);
                candidate.Process.Kill();
            }
        }
        standby = null;
        changes = null;
        return false;
    }

    /// <summary>Starts standbys up to <c>--standby</c> again <see cref="RefillDelay"/> after <paramref name="ready"/> ends (however it ends).</summary>
    public void RefillAfter(Task ready)
    {
        if (config.Standby > 0)
        {
            _ = RefillAfterAsync(ready);
        }
    }

    private async Task RefillAfterAsync(Task ready)
    {
        try
        {
            await ready.WaitAsync(_closing.Token).ConfigureAwait(false);
        }
        catch (Exception) when (!_closing.IsCancellationRequested)
        {
            // Not ready (it exited): refill all the same.
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await RefillLaterAsync(RefillDelay).ConfigureAwait(false);
    }

    private async Task RefillLaterAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, time, _closing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        Fill();
    }

    private void Fill()
    {
        while (true)
        {
            lock (_gate)
            {
                _waiting.RemoveAll(s => s.Process.Exited.IsCompleted);
                _exits.RemoveAll(e => e.IsCompleted);
                if (!_open || _waiting.Count >= config.Standby)
                {
                    return;
                }
                StandbyProcess? started = null;
                try
                {
                    started = Launch();
                }
                catch (Exception e)
                {
                    _failures++;
                    var delay = FailureDelay(++_consecutiveFailures);
                    Log.StandbyLaunchFailed(logger, (long)delay.TotalMilliseconds, e);
                    _ = RefillLaterAsync(delay);
                    return;
                }
                _waiting.Add(started);
                _exits.Add(started.Process.Exited);
                Log.StandbyStarted(logger, started.Pid);
            }
        }
    }

    // Under _gate.
    private StandbyProcess Launch()
    {
        var startInfo = WorkerLauncher.CreateStartInfo(config);
        WorkerLauncher.ConfigureShared(startInfo.Environment, config, Math.Max(1, slots.Count), controlServer.Address);
        startInfo.Environment[StandbyEnvironment.Variable] = "1";
        var appFiles = AppFileStamp.Read(config.AppPath);
        StandbyProcess? standby = null;
        standby = inheritedListeners.StartWorker(() => StandbyProcess.Start(
            startInfo, appFiles, time.GetTimestamp(), OutputSink.Out, OutputSink.Error, onExited: () => OnExited(standby),
            onWarm: warm => Log.StandbyWarm(logger, warm.Pid, (long)time.GetElapsedTime(warm.StartedAt).TotalMilliseconds)));
        return standby;
    }

    // Runs once a standby that has not taken a slot exits (the callback of a taken one is replaced).
    private void OnExited(StandbyProcess? standby)
    {
        if (standby is null)
        {
            return; // exited before Start returned; Fill's list never had it
        }
        TimeSpan delay;
        int failures;
        lock (_gate)
        {
            if (_discarded.Remove(standby) || !_waiting.Remove(standby) || !_open)
            {
                return;
            }
            _failures++;
            failures = ++_consecutiveFailures;
            if (failures >= MaxConsecutiveFailures)
            {
                _open = false;
            }
            delay = FailureDelay(failures);
        }
        var code = standby.Process.Exited.IsCompletedSuccessfully ? standby.Process.Exited.Result : -1;
        if (failures >= MaxConsecutiveFailures)
        {
            Log.StandbyGaveUp(logger, failures);
            return;
        }
        Log.StandbyExited(logger, standby.Pid, ExitDescription.Describe(code), (long)delay.TotalMilliseconds);
        _ = RefillLaterAsync(delay);
    }

    private static TimeSpan FailureDelay(int failures) => TimeSpan.FromSeconds(Math.Min(30, failures));

    /// <summary>Starts no more standbys and kills those waiting (they run none of the app's code); at shutdown.</summary>
    public void Close()
    {
        StandbyProcess[] waiting;
        lock (_gate)
        {
            _open = false;
            waiting = [.. _waiting];
            _waiting.Clear();
            foreach (var standby in waiting)
            {
                _discarded.Add(standby);
            }
        }
        _closing.Cancel();
        foreach (var standby in waiting)
        {
            standby.Process.Kill();
        }
    }

    /// <summary>Completes once every standby started has exited or become a worker (whose exit its slot awaits).</summary>
    public Task WhenClosedAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_exits.Where(e => !e.IsCompleted).Select(e => (Task)e).Concat([Task.CompletedTask]));
        }
    }

    public void Dispose() => _closing.Dispose();
}
