using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// One worker slot (id 0..N-1): keeps a worker process running in it, restarting it with
/// <see cref="RestartBackoff"/> when it exits unexpectedly, until the cluster stops or the slot
/// is given up.
/// </summary>
internal sealed partial class WorkerSlot
{
    /// <summary>Extra time after the drain budget before a worker is killed.</summary>
    internal static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    private readonly IWorkerLauncher _launcher;
    private readonly IBalancer _balancer;
    private readonly ClusterConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RestartBackoff _backoff;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private IWorkerProcess? _current;
    private volatile bool _stopRequested;
    private readonly Dictionary<WorkerExitReason, int> _exits = [];
    private WorkerExitReason _pendingReason;

    public WorkerSlot(int id, IWorkerLauncher launcher, IBalancer balancer, ClusterConfig config, TimeProvider time, ILogger logger)
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

    /// <summary>Restarts after unexpected exits so far.</summary>
    public int Restarts { get; private set; }

    /// <summary>Workers that left this slot, by reason (restarted or not).</summary>
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

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) at which the current worker was launched.</summary>
    public long CurrentStartedAt { get; private set; }

    /// <summary>Completes the first time a worker in this slot is ready.</summary>
    public Task FirstReady => _firstReady.Task;

    /// <summary>Runs workers in this slot until the cluster stops, the slot is given up, or a worker is fatal.</summary>
    public async Task<SlotOutcome> RunAsync()
    {
        while (true)
        {
            IWorkerProcess? process;
            var started = _time.GetTimestamp();
            _pendingReason = WorkerExitReason.Crash;
            lock (_gate)
            {
                if (_stopRequested)
                {
                    State = WorkerSlotState.Stopped;
                    return SlotOutcome.Stopped;
                }
                State = WorkerSlotState.Starting;
                try
                {
                    process = _current = _launcher.Launch(Id);
                    CurrentStartedAt = started;
                }
                catch (Exception e)
                {
                    Log.LaunchFailed(_logger, Id, e);
                    process = null;
                    _pendingReason = WorkerExitReason.LaunchFailure;
                }
            }

            if (process is not null)
            {
                Log.WorkerStarting(_logger, Id, process.Pid);
                await WaitUntilReadyOrExitedAsync(process, started).ConfigureAwait(false);
                var exitCode = await process.Exited.ConfigureAwait(false);
                _balancer.WorkerLeaving(Id);
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
                Log.WorkerExited(_logger, Id, process.Pid, ExitDescription.Describe(exitCode), _time.GetElapsedTime(started));
            }
            CountExit(_pendingReason);

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

    private async Task WaitUntilReadyOrExitedAsync(IWorkerProcess process, long started)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var deadline = Task.Delay(_config.StartTimeout, _time, timeout.Token);
        var first = await Task.WhenAny(process.Ready, process.Exited, deadline).ConfigureAwait(false);
        timeout.Cancel();

        if (first == process.Ready && !process.Exited.IsCompleted)
        {
            lock (_gate)
            {
                if (!_stopRequested)
                {
                    State = WorkerSlotState.Ready;
                }
            }
            Log.WorkerReady(_logger, Id, process.Pid, (long)_time.GetElapsedTime(started).TotalMilliseconds);
            _balancer.WorkerReady(Id);
            _firstReady.TrySetResult();
        }
        else if (first == deadline && !_stopRequested)
        {
            Log.WorkerNotReady(_logger, Id, process.Pid, _config.StartTimeout);
            _pendingReason = WorkerExitReason.StartTimeout;
            process.Kill();
        }
    }

    private void CountExit(WorkerExitReason reason)
    {
        lock (_exits)
        {
            _exits[reason] = _exits.GetValueOrDefault(reason) + 1;
        }
    }

    /// <summary>Drains the current worker (killing it after the budget) and starts no other.</summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        IWorkerProcess? process;
        lock (_gate)
        {
            _stopRequested = true;
            process = _current;
            if (process is not null && !process.Exited.IsCompleted)
            {
                State = WorkerSlotState.Draining;
            }
        }
        // Outside the lock: cancellation runs the backoff wait's continuation inline.
        _stopping.Cancel();
        if (process is null || process.Exited.IsCompleted)
        {
            return;
        }

        var started = _time.GetTimestamp();
        _balancer.WorkerLeaving(Id);
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
}
