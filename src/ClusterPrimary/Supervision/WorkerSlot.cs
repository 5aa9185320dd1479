using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Events;
using ClusterHost.Text;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// One worker slot (id 0..N-1): keeps a worker process running in it, restarting it with
/// <see cref="RestartBackoff"/> when it exits unexpectedly, and replacing it gracefully on
/// request (reload, recycling: the new worker is ready before the old one drains), until the
/// cluster stops, the slot is removed, or it is given up.
/// </summary>
/// <remarks>
/// The lifecycle is a state machine: one <see cref="WorkerSlotState"/>, changed only by
/// <see cref="TransitionTo"/> along the edges of <see cref="IsAllowed"/>. The state and
/// everything that belongs to it (the current worker and its timestamps, the replacement under
/// way, the restart counts) are guarded by one lock. A timer a state waits on is armed under the
/// same lock as the move into that state, so whoever sees the state can advance a clock.
/// </remarks>
internal sealed class WorkerSlot
{
    /// <summary>Extra time after the drain budget before a worker is killed.</summary>
    internal static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    private readonly IWorkerLauncher _launcher;
    private readonly IClusterFront _front;
    private readonly ClusterHostConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ClusterEventLog? _events;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstReady = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The slot's state: read and written under _gate only.
    private readonly Lock _gate = new();
    private readonly RestartBackoff _backoff;
    private readonly Dictionary<WorkerExitReason, int> _exits = [];
    private WorkerSlotState _state = WorkerSlotState.Starting;
    private IWorkerProcess? _current;
    private long _currentStartedAt;
    private long _currentReadyAt;
    private long _currentRequestLimit;
    private Task<bool>? _replacement;
    private long _generation;
    private int _restarts;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // events: where restarts, give-ups and exits are recorded for the operator (null in unit tests that do not look).
    public WorkerSlot(int id, IWorkerLauncher launcher, IClusterFront front, ClusterHostConfig config, TimeProvider time, ILogger logger, ClusterEventLog? events = null)
    {
        _events = events;
        Id = id;
        _launcher = launcher;
        _front = front;
        _config = config;
        _time = time;
        _logger = logger;
        _backoff = new RestartBackoff(config.MaxRestarts, config.RestartDelay);
    }

    public int Id { get; }

    public WorkerSlotState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>The worker process now in this slot, if any (during a replacement, the one serving).</summary>
    public IWorkerProcess? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) at which the current worker was launched.</summary>
    public long CurrentStartedAt
    {
        get
        {
            lock (_gate)
            {
                return _currentStartedAt;
            }
        }
    }

    /// <summary>Timestamp at which the current worker became ready; 0 while it is not.</summary>
    public long CurrentReadyAt
    {
        get
        {
            lock (_gate)
            {
                return _currentReadyAt;
            }
        }
    }

    /// <summary>Requests after which the current worker is recycled (<c>--max-requests</c> + jitter); 0 = never.</summary>
    public long CurrentRequestLimit
    {
        get
        {
            lock (_gate)
            {
                return _currentRequestLimit;
            }
        }
    }

    /// <summary>Restarts after unexpected exits so far.</summary>
    public int Restarts
    {
        get
        {
            lock (_gate)
            {
                return _restarts;
            }
        }
    }

    /// <summary>True while a replacement is under way (<see cref="WorkerSlotState.Replacing"/>).</summary>
    public bool IsReplacing => State == WorkerSlotState.Replacing;

    /// <summary>True while the current worker is being ended (<see cref="WorkerSlotState.Ending"/>: evidence capture under way).</summary>
    public bool IsEnding => State == WorkerSlotState.Ending;

    /// <summary>Workers that left this slot, by reason (restarted, replaced or removed).</summary>
    public IReadOnlyDictionary<WorkerExitReason, int> Exits
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<WorkerExitReason, int>(_exits);
            }
        }
    }

    /// <summary>Completes the first time a worker in this slot is ready.</summary>
    public Task FirstReady => _firstReady.Task;

    /// <summary>
    /// Completes at the slot's next change of state or of worker. To wait for a condition without
    /// missing a change, take this first, then test the condition, then await it.
    /// </summary>
    internal Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>The lifecycle's edges, all in one place. <see cref="WorkerSlotState.Stopped"/> and <see cref="WorkerSlotState.GaveUp"/> are final.</summary>
    internal static bool IsAllowed(WorkerSlotState from, WorkerSlotState to) => (from, to) switch
    {
        // Ready: the worker is ready. Backoff: it exited (or never started) and will be restarted;
        // GaveUp: it exited once too often. Draining: the slot stops while it runs; Stopped: the
        // slot stops with no worker running, or the worker was fatal.
        (WorkerSlotState.Starting, WorkerSlotState.Ready or WorkerSlotState.Backoff or WorkerSlotState.GaveUp or WorkerSlotState.Draining or WorkerSlotState.Stopped) => true,
        (WorkerSlotState.Ready, WorkerSlotState.Replacing or WorkerSlotState.Ending or WorkerSlotState.Backoff or WorkerSlotState.GaveUp or WorkerSlotState.Draining or WorkerSlotState.Stopped) => true,
        // Ready: the replacement is over (the successor serves, or the old worker is kept).
        (WorkerSlotState.Replacing, WorkerSlotState.Ready or WorkerSlotState.Backoff or WorkerSlotState.GaveUp or WorkerSlotState.Draining or WorkerSlotState.Stopped) => true,
        (WorkerSlotState.Ending, WorkerSlotState.Backoff or WorkerSlotState.GaveUp or WorkerSlotState.Draining or WorkerSlotState.Stopped) => true,
        (WorkerSlotState.Backoff, WorkerSlotState.Starting or WorkerSlotState.Stopped) => true,
        (WorkerSlotState.Draining, WorkerSlotState.Stopped) => true,
        _ => false,
    };

    /// <summary>Moves to <paramref name="next"/> if <see cref="IsAllowed"/>; otherwise logs the illegal move and stays.</summary>
    internal bool TransitionTo(WorkerSlotState next)
    {
        lock (_gate)
        {
            if (!IsAllowed(_state, next))
            {
                Log.IllegalSlotTransition(_logger, Id, _state, next);
                return false;
            }
            Log.SlotStateChanged(_logger, Id, _state, next);
            _state = next;
            NotifyChanged();
            return true;
        }
    }

    // Under _gate.
    private bool IsStopRequested => _state is WorkerSlotState.Draining or WorkerSlotState.Stopped;

    // Under _gate.
    private void NotifyChanged()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    /// <summary>Runs workers in this slot until the cluster stops, the slot is given up, or a worker is fatal.</summary>
    public async Task<SlotOutcome> RunAsync()
    {
        while (true)
        {
            IWorkerProcess? process;
            long started;
            (Task Deadline, CancellationTokenSource Cancel) startTimeout = default;
            lock (_gate)
            {
                if (IsStopRequested)
                {
                    return Stop();
                }
                if (_state == WorkerSlotState.Backoff)
                {
                    TransitionTo(WorkerSlotState.Starting);
                }
                started = _time.GetTimestamp();
                process = TryLaunch();
                if (process is not null)
                {
                    startTimeout = ArmStartTimeout();
                    _current = process;
                    _currentStartedAt = started;
                    _currentReadyAt = 0;
                    _currentRequestLimit = 0;
                    NotifyChanged();
                }
            }

            var reason = WorkerExitReason.LaunchFailure;
            var becameReady = false;
            (int Pid, string Description)? exited = null;
            if (process is not null)
            {
                Log.WorkerStarting(_logger, Id, process.Pid);
                if (await WaitUntilReadyAsync(process, started, startTimeout).ConfigureAwait(false))
                {
                    Promote(process, started, WorkerSlotState.Starting);
                }
                else if (!process.Exited.IsCompleted && !IsStopping())
                {
                    Log.WorkerNotReady(_logger, Id, process.Pid, _config.StartTimeout);
                    process.EndedBecause = WorkerExitReason.StartTimeout;
                    process.Kill();
                }

                (process, var exitCode) = await FollowUntilUnexpectedExitAsync().ConfigureAwait(false);
                _front.WorkerLeaving(process.Instance);
                lock (_gate)
                {
                    if (IsStopRequested)
                    {
                        return Stop();
                    }
                    if (process.FatalError is not null)
                    {
                        TransitionTo(WorkerSlotState.Stopped);
                    }
                    started = _currentStartedAt;
                    becameReady = ReferenceEquals(process, _current) && _currentReadyAt != 0;
                }
                if (process.FatalError is { } fatal)
                {
                    Log.WorkerFatal(_logger, Id, process.Pid, fatal);
                    return SlotOutcome.Fatal;
                }
                reason = process.EndedBecause ?? WorkerExitReason.Crash;
                Log.WorkerExited(_logger, Id, process.Pid, ExitDescription.Describe(exitCode), _time.GetElapsedTime(started), EnumNames<WorkerExitReason>.ToName(reason));
                exited = (process.Pid, $"{EnumNames<WorkerExitReason>.ToName(reason)}: {ExitDescription.Describe(exitCode)} after {(long)_time.GetElapsedTime(started).TotalSeconds} s");
                _events?.WorkerExited(Id, exited.Value.Pid, exited.Value.Description);
            }

            RestartDecision decision;
            Task backoff;
            lock (_gate)
            {
                if (IsStopRequested)
                {
                    return Stop();
                }
                CountExit(reason);
                decision = _backoff.OnExit(_time.GetElapsedTime(started), becameReady);
                if (decision.GiveUp)
                {
                    TransitionTo(WorkerSlotState.GaveUp);
                    backoff = Task.CompletedTask;
                }
                else
                {
                    backoff = Task.Delay(decision.Delay, _time, _stopping.Token);
                    _restarts++;
                    TransitionTo(WorkerSlotState.Backoff);
                }
            }
            var what = exited is { } gone ? $"worker {Id} (pid {gone.Pid}) left: {gone.Description}" : $"worker {Id} could not be launched";
            if (decision.GiveUp)
            {
                _events?.Add(ClusterEventKind.GaveUp, Id, exited?.Pid, $"{what}; given up after {decision.ConsecutiveFailures} failures in a row");
                if (decision.ConsecutiveFailures == 1)
                {
                    Log.SlotGaveUpAtFirstFailure(_logger, Id);
                }
                else
                {
                    Log.SlotGaveUp(_logger, Id, decision.ConsecutiveFailures, RestartBackoff.StableUptime);
                }
                return SlotOutcome.GaveUp;
            }

            Log.Restarting(_logger, Id, (long)decision.Delay.TotalMilliseconds, decision.ConsecutiveFailures, _backoff.MaxRestarts);
            _events?.Add(ClusterEventKind.Restart, Id, exited?.Pid, $"{what}; restarting in {(long)decision.Delay.TotalMilliseconds} ms (failure {decision.ConsecutiveFailures} in a row)");
            try
            {
                await backoff.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // StopAsync: the next round sees the stop.
            }
        }
    }

    // Under _gate. StopAsync may have moved the slot to Stopped already.
    private SlotOutcome Stop()
    {
        if (_state != WorkerSlotState.Stopped)
        {
            TransitionTo(WorkerSlotState.Stopped);
        }
        return SlotOutcome.Stopped;
    }

    private bool IsStopping()
    {
        lock (_gate)
        {
            return IsStopRequested;
        }
    }

    // Under _gate.
    private IWorkerProcess? TryLaunch()
    {
        try
        {
            return _launcher.Launch(new WorkerInstance(Id, ++_generation));
        }
        catch (Exception e)
        {
            Log.LaunchFailed(_logger, Id, e);
            return null;
        }
    }

    // Under _gate, with the launch: the deadline is armed before anyone can see the new worker.
    private (Task Deadline, CancellationTokenSource Cancel) ArmStartTimeout()
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        return (Task.Delay(_config.StartTimeout, _time, cancel.Token), cancel);
    }

    /// <summary>True once ready; false if it exited, the start timeout passed, or the slot is stopping.</summary>
    private async Task<bool> WaitUntilReadyAsync(IWorkerProcess process, long started, (Task Deadline, CancellationTokenSource Cancel) startTimeout)
    {
        using var cancel = startTimeout.Cancel;
        var first = await Task.WhenAny(process.Ready, process.Exited, startTimeout.Deadline).ConfigureAwait(false);
        await cancel.CancelAsync().ConfigureAwait(false);
        if (first != process.Ready || process.Exited.IsCompleted || !process.Ready.IsCompletedSuccessfully)
        {
            return false;
        }
        Log.WorkerReady(_logger, Id, process.Pid, (long)_time.GetElapsedTime(started).TotalMilliseconds);
        return true;
    }

    /// <summary>
    /// Makes a ready <paramref name="process"/> the slot's current worker and announces it, if the
    /// slot is still in <paramref name="expected"/>; false (nothing changed) if the slot is stopping.
    /// </summary>
    private bool Promote(IWorkerProcess process, long started, WorkerSlotState expected)
    {
        lock (_gate)
        {
            if (_state != expected)
            {
                return false;
            }
            _current = process;
            _currentStartedAt = started;
            _currentReadyAt = _time.GetTimestamp();
            _currentRequestLimit = _config.MaxRequests <= 0 ? 0 : _config.MaxRequests + Random.Shared.Next(_config.MaxRequestsJitter + 1);
            if (_state == WorkerSlotState.Starting)
            {
                TransitionTo(WorkerSlotState.Ready);
            }
            else
            {
                NotifyChanged();
            }
            // Under the lock, so a concurrent StopAsync's WorkerLeaving comes after it.
            _front.WorkerReady(process.Instance);
        }
        _firstReady.TrySetResult();
        return true;
    }

    /// <summary>
    /// Waits on the current worker; when a replacement has taken its place, on the new one. Returns
    /// the worker whose exit nobody planned (or the last one, when the slot stops).
    /// </summary>
    private async Task<(IWorkerProcess Process, int ExitCode)> FollowUntilUnexpectedExitAsync()
    {
        while (true)
        {
            var process = Current!;
            var exitCode = await process.Exited.ConfigureAwait(false);
            Task<bool>? replacement;
            lock (_gate)
            {
                if (IsStopRequested || ReferenceEquals(process, _current) && _replacement is null)
                {
                    return (process, exitCode);
                }
                if (!ReferenceEquals(process, _current))
                {
                    continue; // replaced: follow its successor
                }
                replacement = _replacement!;
                // Its exit is a crash, whatever the replacement was for: counted once, here.
                process.EndedBecause ??= WorkerExitReason.Crash;
                NotifyChanged();
            }
            // It died while its successor was starting: the successor decides.
            Log.WorkerExited(_logger, Id, process.Pid, ExitDescription.Describe(exitCode), _time.GetElapsedTime(CurrentStartedAt), "crash during replacement");
            if (!await replacement.ConfigureAwait(false) || ReferenceEquals(process, Current))
            {
                return (process, exitCode);
            }
            lock (_gate)
            {
                CountExit(WorkerExitReason.Crash);
            }
        }
    }

    /// <summary>
    /// Replaces the current worker gracefully: starts a new one, waits until it is ready, then
    /// drains the old one. Capacity never drops. False (old worker kept) if the new one fails to
    /// become ready within <c>--start-timeout</c>, if the slot is not <see cref="WorkerSlotState.Ready"/>
    /// (starting, busy replacing or ending a worker, backing off, stopping), or if it stops meanwhile.
    /// </summary>
    public async Task<bool> ReplaceAsync(WorkerExitReason reason) => (await ReplaceWithOutcomeAsync(reason).ConfigureAwait(false)).Replaced;

    /// <summary>As <see cref="ReplaceAsync"/>, and says which workers were involved and, when the old one was kept, why.</summary>
    public async Task<ReplacementOutcome> ReplaceWithOutcomeAsync(WorkerExitReason reason)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        IWorkerProcess old;
        IWorkerProcess? successor;
        long started;
        (Task Deadline, CancellationTokenSource Cancel) startTimeout;
        lock (_gate)
        {
            if (_state != WorkerSlotState.Ready || _current is null)
            {
                return new ReplacementOutcome(false, _current?.Pid, null, $"worker {Id} is {EnumNames<WorkerSlotState>.ToName(_state)}, not ready");
            }
            old = _current;
            started = _time.GetTimestamp();
            successor = TryLaunch();
            if (successor is null)
            {
                return new ReplacementOutcome(false, old.Pid, null, $"worker {Id}: the new worker could not be launched (see the log)");
            }
            startTimeout = ArmStartTimeout();
            _replacement = done.Task;
            TransitionTo(WorkerSlotState.Replacing);
        }

        var replaced = false;
        try
        {
            var failure = await ReplaceCoreAsync(old, successor, started, startTimeout, reason).ConfigureAwait(false);
            replaced = failure is null;
            return new ReplacementOutcome(replaced, old.Pid, successor.Pid, failure);
        }
        finally
        {
            lock (_gate)
            {
                _replacement = null;
                // A dead current worker (it crashed meanwhile) leaves the move to the run loop.
                if (_state == WorkerSlotState.Replacing && _current is { Exited.IsCompleted: false })
                {
                    TransitionTo(WorkerSlotState.Ready);
                }
            }
            done.TrySetResult(replaced);
        }
    }

    // Null when replaced; otherwise why the old worker was kept.
    private async Task<string?> ReplaceCoreAsync(IWorkerProcess old, IWorkerProcess successor, long started, (Task Deadline, CancellationTokenSource Cancel) startTimeout, WorkerExitReason reason)
    {
        Log.WorkerReplacing(_logger, Id, old.Pid, successor.Pid, EnumNames<WorkerExitReason>.ToName(reason));
        if (!await WaitUntilReadyAsync(successor, started, startTimeout).ConfigureAwait(false))
        {
            var stopping = IsStopping();
            if (!stopping)
            {
                Log.ReplacementFailed(_logger, Id, successor.Pid, EnumNames<WorkerExitReason>.ToName(reason), _config.StartTimeout);
            }
            var failure = stopping ? "the cluster is stopping"
                : successor.Exited.IsCompleted ? $"the new worker (pid {successor.Pid}) exited with {ExitDescription.Describe(successor.Exited.Result)} before it was ready"
                : $"the new worker (pid {successor.Pid}) was not ready within --start-timeout {_config.StartTimeout.TotalSeconds:0.#} s";
            successor.EndedBecause = WorkerExitReason.StartTimeout;
            successor.Kill();
            await successor.Exited.ConfigureAwait(false);
            return $"worker {Id}: {failure}";
        }

        if (!Promote(successor, started, WorkerSlotState.Replacing))
        {
            // The slot is stopping: StopAsync drains the old worker; the new one goes too.
            await DrainAsync(successor, _config.ShutdownTimeout).ConfigureAwait(false);
            return $"worker {Id}: the cluster is stopping";
        }
        bool countAsReason;
        lock (_gate)
        {
            // Unless it crashed meanwhile and FollowUntilUnexpectedExitAsync counts that crash.
            countAsReason = old.EndedBecause is null;
            old.EndedBecause ??= reason;
        }
        _front.WorkerLeaving(old.Instance);
        await DrainAsync(old, _config.ShutdownTimeout).ConfigureAwait(false);
        if (countAsReason)
        {
            lock (_gate)
            {
                CountExit(reason);
            }
        }
        return null;
    }

    /// <summary>Claims the current, ready worker for ending (<see cref="WorkerSlotState.Ending"/>); false if the slot is busy or the worker is not current.</summary>
    public bool TryBeginEnding(IWorkerProcess process)
    {
        lock (_gate)
        {
            if (_state != WorkerSlotState.Ready || !ReferenceEquals(process, _current))
            {
                return false;
            }
            return TransitionTo(WorkerSlotState.Ending);
        }
    }

    /// <summary>Kills a worker that stopped heartbeating; the run loop then restarts it.</summary>
    public void EndHungWorker(IWorkerProcess process)
    {
        lock (_gate)
        {
            if (_state == WorkerSlotState.Ready && ReferenceEquals(process, _current))
            {
                TransitionTo(WorkerSlotState.Ending); // killed without a claim first
            }
        }
        process.EndedBecause = WorkerExitReason.Hung;
        process.Kill();
    }

    /// <summary>Drains the current worker (killing it after the budget) and starts no other.</summary>
    /// <param name="drainTimeout">How long the worker may drain before it is killed (plus <see cref="DrainGrace"/>).</param>
    /// <param name="countAs">Counted as this exit reason (scale-down); null on cluster shutdown.</param>
    public async Task StopAsync(TimeSpan drainTimeout, WorkerExitReason? countAs = null)
    {
        IWorkerProcess? process = null;
        Task<bool>? replacement;
        lock (_gate)
        {
            replacement = _replacement;
            if (_state is not (WorkerSlotState.Draining or WorkerSlotState.Stopped or WorkerSlotState.GaveUp))
            {
                if (_current is { Exited.IsCompleted: false } live)
                {
                    process = live;
                    TransitionTo(WorkerSlotState.Draining);
                    if (countAs is { } reason)
                    {
                        process.EndedBecause = reason;
                    }
                    _front.WorkerLeaving(process.Instance);
                }
                else
                {
                    TransitionTo(WorkerSlotState.Stopped);
                }
            }
        }
        // Outside the lock: cancellation runs the waits' continuations inline.
        await _stopping.CancelAsync().ConfigureAwait(false);

        if (process is not null)
        {
            await DrainAsync(process, drainTimeout).ConfigureAwait(false);
            if (countAs is { } counted)
            {
                lock (_gate)
                {
                    CountExit(counted);
                }
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
        using var cancel = new CancellationTokenSource();
        // Armed before the drain is asked for, so whoever sees the request can advance a clock.
        var deadline = Task.Delay(drainTimeout + DrainGrace, _time, cancel.Token);
        process.RequestDrain(drainTimeout);
        if (await Task.WhenAny(process.Exited, deadline).ConfigureAwait(false) != process.Exited)
        {
            Log.DrainTimedOut(_logger, Id, process.Pid, drainTimeout);
            process.Kill();
        }
        await cancel.CancelAsync().ConfigureAwait(false);
        var exitCode = await process.Exited.ConfigureAwait(false);
        Log.WorkerDrained(_logger, Id, process.Pid, ExitDescription.Describe(exitCode), _time.GetElapsedTime(started));
        _events?.WorkerExited(Id, process.Pid, $"{(process.EndedBecause is { } why ? EnumNames<WorkerExitReason>.ToName(why) : "stop")}: drained, {ExitDescription.Describe(exitCode)}");
    }

    // Under _gate.
    private void CountExit(WorkerExitReason reason)
    {
        _exits[reason] = _exits.GetValueOrDefault(reason) + 1;
        NotifyChanged();
    }
}
