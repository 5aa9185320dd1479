using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// One worker slot (id 0..N-1): keeps a worker process running in it, restarting it with
/// <see cref="RestartBackoff"/> when it exits unexpectedly, and replacing it gracefully on
/// request (reload, recycling: the new worker is ready before the old one drains), until the
/// cluster stops, the slot is removed, or it is given up.
/// </summary>
internal sealed class WorkerSlot
{
    /// <summary>Extra time after the drain budget before a worker is killed.</summary>
    internal static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    private readonly IWorkerLauncher _launcher;
    private readonly IClusterFront _balancer;
    private readonly ClusterHostConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RestartBackoff _backoff;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly Dictionary<WorkerExitReason, int> _exits = [];
    private IWorkerProcess? _current;
    private Task<bool>? _replacement;
    private volatile bool _stopRequested;
    private long _generation;
    private IWorkerProcess? _ending;

    public WorkerSlot(int id, IWorkerLauncher launcher, IClusterFront balancer, ClusterHostConfig config, TimeProvider time, ILogger logger)
    {
        Id = id;
        _launcher = launcher;
        _balancer = balancer;
        _config = config;
        _time = time;
        _logger = logger;
        _backoff = new RestartBackoff(config.MaxRestarts);
    }

    public int Id { get; }

    public WorkerSlotState State { get; private set; } = WorkerSlotState.Starting;

    /// <summary>The worker process now in this slot, if any.</summary>
    public IWorkerProcess? Current => _current;

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) at which the current worker was launched.</summary>
    public long CurrentStartedAt { get; private set; }

    /// <summary>Timestamp at which the current worker became ready; 0 while it is not.</summary>
    public long CurrentReadyAt { get; private set; }

    /// <summary>Requests after which the current worker is recycled (<c>--max-requests</c> + jitter); 0 = never.</summary>
    public long CurrentRequestLimit { get; private set; }

    /// <summary>Restarts after unexpected exits so far.</summary>
    public int Restarts { get; private set; }

    /// <summary>True while a replacement is under way.</summary>
    public bool IsReplacing => _replacement is not null;

    /// <summary>Workers that left this slot, by reason (restarted, replaced or removed).</summary>
    public IReadOnlyDictionary<WorkerExitReason, int> Exits
    {
        get
        {
            lock (_exits)
            {
                return new Dictionary<WorkerExitReason, int>(_exits);
            }
        }
    }

    /// <summary>Completes the first time a worker in this slot is ready.</summary>
    public Task FirstReady => _firstReady.Task;

    /// <summary>Runs workers in this slot until the cluster stops, the slot is given up, or a worker is fatal.</summary>
    public async Task<SlotOutcome> RunAsync()
    {
        while (true)
        {
            var started = _time.GetTimestamp();
            var reason = WorkerExitReason.LaunchFailure;
            IWorkerProcess? process;
            lock (_gate)
            {
                if (_stopRequested)
                {
                    State = WorkerSlotState.Stopped;
                    return SlotOutcome.Stopped;
                }
                State = WorkerSlotState.Starting;
                process = TryLaunch();
                if (process is not null)
                {
                    _current = process;
                    CurrentStartedAt = started;
                    CurrentReadyAt = 0;
                }
            }

            if (process is not null)
            {
                Log.WorkerStarting(_logger, Id, process.Pid);
                if (await WaitUntilReadyAsync(process, started).ConfigureAwait(false))
                {
                    Promote(process, started);
                }
                else if (!process.Exited.IsCompleted && !_stopRequested)
                {
                    Log.WorkerNotReady(_logger, Id, process.Pid, _config.StartTimeout);
                    process.EndedBecause = WorkerExitReason.StartTimeout;
                    process.Kill();
                }

                (process, var exitCode) = await FollowUntilUnexpectedExitAsync().ConfigureAwait(false);
                _balancer.WorkerLeaving(process.Instance);
                if (_stopRequested)
                {
                    State = WorkerSlotState.Stopped;
                    return SlotOutcome.Stopped;
                }
                if (process.FatalError is { } fatal)
                {
                    Log.WorkerFatal(_logger, Id, process.Pid, fatal);
                    State = WorkerSlotState.Stopped;
                    return SlotOutcome.Fatal;
                }
                reason = process.EndedBecause ?? WorkerExitReason.Crash;
                started = CurrentStartedAt;
                Log.WorkerExited(_logger, Id, process.Pid, ExitDescription.Describe(exitCode), _time.GetElapsedTime(started), WorkerExitReasonNames.ToName(reason));
            }
            CountExit(reason);

            var decision = _backoff.OnExit(_time.GetElapsedTime(started));
            if (decision.GiveUp)
            {
                Log.SlotGaveUp(_logger, Id, decision.ConsecutiveFailures, RestartBackoff.StableUptime);
                State = WorkerSlotState.GaveUp;
                return SlotOutcome.GaveUp;
            }

            State = WorkerSlotState.Backoff;
            Restarts++;
            Log.Restarting(_logger, Id, (long)decision.Delay.TotalMilliseconds, decision.ConsecutiveFailures, _backoff.MaxRestarts);
            try
            {
                await Task.Delay(decision.Delay, _time, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                State = WorkerSlotState.Stopped;
                return SlotOutcome.Stopped;
            }
        }
    }

    private IWorkerProcess? TryLaunch()
    {
        try
        {
            return _launcher.Launch(new WorkerInstance(Id, Interlocked.Increment(ref _generation)));
        }
        catch (Exception e)
        {
            Log.LaunchFailed(_logger, Id, e);
            return null;
        }
    }

    /// <summary>True once ready; false if it exited, the start timeout passed, or the slot is stopping.</summary>
    private async Task<bool> WaitUntilReadyAsync(IWorkerProcess process, long started)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var deadline = Task.Delay(_config.StartTimeout, _time, timeout.Token);
        var first = await Task.WhenAny(process.Ready, process.Exited, deadline).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        if (first != process.Ready || process.Exited.IsCompleted || !process.Ready.IsCompletedSuccessfully)
        {
            return false;
        }
        Log.WorkerReady(_logger, Id, process.Pid, (long)_time.GetElapsedTime(started).TotalMilliseconds);
        return true;
    }

    private void Promote(IWorkerProcess process, long started)
    {
        lock (_gate)
        {
            _current = process;
            CurrentStartedAt = started;
            CurrentReadyAt = _time.GetTimestamp();
            CurrentRequestLimit = _config.MaxRequests <= 0 ? 0 : _config.MaxRequests + Random.Shared.Next(_config.MaxRequestsJitter + 1);
            if (!_stopRequested)
            {
                State = WorkerSlotState.Ready;
            }
        }
        _balancer.WorkerReady(process.Instance);
        _firstReady.TrySetResult();
    }

    /// <summary>
    /// Waits on the current worker; when a replacement has taken its place, on the new one. Returns
    /// the worker whose exit nobody planned (or the last one, when the slot stops).
    /// </summary>
    private async Task<(IWorkerProcess Process, int ExitCode)> FollowUntilUnexpectedExitAsync()
    {
        while (true)
        {
            var process = _current!;
            var exitCode = await process.Exited.ConfigureAwait(false);
            if (_stopRequested || ReferenceEquals(process, _current) && _replacement is null)
            {
                return (process, exitCode);
            }
            if (ReferenceEquals(process, _current) && _replacement is { } replacement)
            {
                // It died while its successor was starting: the successor decides.
                Log.WorkerExited(_logger, Id, process.Pid, ExitDescription.Describe(exitCode), _time.GetElapsedTime(CurrentStartedAt), "crash during replacement");
                if (!await replacement.ConfigureAwait(false) || ReferenceEquals(process, _current))
                {
                    return (process, exitCode);
                }
                CountExit(WorkerExitReason.Crash);
            }
        }
    }

    /// <summary>
    /// Replaces the current worker gracefully: starts a new one, waits until it is ready, then
    /// drains the old one. Capacity never drops. False (old worker kept) if the new one fails to
    /// become ready within <c>--start-timeout</c>, if the slot is busy or not ready, or stopping.
    /// </summary>
    public async Task<bool> ReplaceAsync(WorkerExitReason reason)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        IWorkerProcess? old;
        lock (_gate)
        {
            old = _current;
            if (_stopRequested || _replacement is not null || State != WorkerSlotState.Ready || old is null || ReferenceEquals(_ending, old))
            {
                return false;
            }
            _replacement = done.Task;
        }

        var replaced = false;
        try
        {
            replaced = await ReplaceCoreAsync(old, reason).ConfigureAwait(false);
            return replaced;
        }
        finally
        {
            lock (_gate)
            {
                _replacement = null;
            }
            done.TrySetResult(replaced);
        }
    }

    private async Task<bool> ReplaceCoreAsync(IWorkerProcess old, WorkerExitReason reason)
    {
        var started = _time.GetTimestamp();
        var successor = TryLaunch();
        if (successor is null)
        {
            return false;
        }
        Log.WorkerReplacing(_logger, Id, old.Pid, successor.Pid, WorkerExitReasonNames.ToName(reason));

        if (!await WaitUntilReadyAsync(successor, started).ConfigureAwait(false))
        {
            if (!_stopRequested)
            {
                Log.ReplacementFailed(_logger, Id, successor.Pid, WorkerExitReasonNames.ToName(reason), _config.StartTimeout);
            }
            successor.EndedBecause = WorkerExitReason.StartTimeout;
            successor.Kill();
            await successor.Exited.ConfigureAwait(false);
            return false;
        }
        if (_stopRequested)
        {
            await DrainAsync(successor, _config.ShutdownTimeout).ConfigureAwait(false);
            return false;
        }

        old.EndedBecause = reason;
        Promote(successor, started);
        _balancer.WorkerLeaving(old.Instance);
        await DrainAsync(old, _config.ShutdownTimeout).ConfigureAwait(false);
        CountExit(reason);
        return true;
    }

    /// <summary>Claims the current worker for ending (once); false if something else already is.</summary>
    public bool TryBeginEnding(IWorkerProcess process)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(process, _current) || _ending is not null || _replacement is not null)
            {
                return false;
            }
            _ending = process;
            return true;
        }
    }

    /// <summary>True while the current worker is being ended (evidence capture under way).</summary>
    public bool IsEnding => _ending is not null && ReferenceEquals(_ending, _current);

    /// <summary>Kills a worker that stopped heartbeating; the run loop then restarts it.</summary>
    public void EndHungWorker(IWorkerProcess process)
    {
        process.EndedBecause = WorkerExitReason.Hung;
        process.Kill();
    }

    /// <summary>Drains the current worker (killing it after the budget) and starts no other.</summary>
    /// <param name="drainTimeout">How long the worker may drain before it is killed (plus <see cref="DrainGrace"/>).</param>
    /// <param name="countAs">Counted as this exit reason (scale-down); null on cluster shutdown.</param>
    public async Task StopAsync(TimeSpan drainTimeout, WorkerExitReason? countAs = null)
    {
        IWorkerProcess? process;
        Task<bool>? replacement;
        lock (_gate)
        {
            _stopRequested = true;
            process = _current;
            replacement = _replacement;
            if (process is not null && !process.Exited.IsCompleted)
            {
                State = WorkerSlotState.Draining;
            }
        }
        // Outside the lock: cancellation runs the waits' continuations inline.
        await _stopping.CancelAsync().ConfigureAwait(false);

        if (process is not null && !process.Exited.IsCompleted)
        {
            if (countAs is { } reason)
            {
                process.EndedBecause = reason;
            }
            _balancer.WorkerLeaving(process.Instance);
            await DrainAsync(process, drainTimeout).ConfigureAwait(false);
            if (countAs is { } counted)
            {
                CountExit(counted);
            }
        }
        if (replacement is not null)
        {
            await replacement.ConfigureAwait(false);
        }
    }

    private async Task DrainAsync(IWorkerProcess process, TimeSpan drainTimeout)
    {
        var started = _time.GetTimestamp();
        process.RequestDrain(drainTimeout);
        var deadline = Task.Delay(drainTimeout + DrainGrace, _time);
        if (await Task.WhenAny(process.Exited, deadline).ConfigureAwait(false) != process.Exited)
        {
            Log.DrainTimedOut(_logger, Id, process.Pid, drainTimeout);
            process.Kill();
        }
        var exitCode = await process.Exited.ConfigureAwait(false);
        Log.WorkerDrained(_logger, Id, process.Pid, ExitDescription.Describe(exitCode), _time.GetElapsedTime(started));
    }

    private void CountExit(WorkerExitReason reason)
    {
        lock (_exits)
        {
            _exits[reason] = _exits.GetValueOrDefault(reason) + 1;
        }
    }
}
