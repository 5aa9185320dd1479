using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Runs the worker slots: creates <c>--workers</c> of them at start, adds one (SIGTTIN) or drains
/// and removes the highest (SIGTTOU) on request, and at shutdown drains them all. Each slot's run
/// is awaited here; a fatal worker, or every slot giving up, stops the cluster with its exit code.
/// </summary>
internal sealed class SlotSupervisor(
    ClusterHostConfig config,
    WorkerSlots slots,
    IWorkerLauncher launcher,
    IClusterFront front,
    ClusterOutcome outcome,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    ClusterEventLog? events = null) : IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<SlotSupervisor>();
    private readonly ILogger _slotLogger = loggerFactory.CreateLogger<WorkerSlot>();
    private readonly SemaphoreSlim _scaling = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<Task> _runs = [];
    private long _drainTimeoutTicks = -1; // -1: --shutdown-timeout

    /// <summary>Creates the <c>--workers</c> slots, then starts them all (so the first worker is already told the full count).</summary>
    public void Start()
    {
        Log.WorkerGcSettings(_logger, WorkerGcSettings.Describe(config, Environment.ProcessorCount));
        var created = new List<WorkerSlot>();
        for (var i = 0; i < config.Workers && slots.TryAdd(NewSlot) is { } slot; i++)
        {
            created.Add(slot);
        }
        foreach (var slot in created)
        {
            Run(slot);
        }
    }

    /// <summary>Adds a worker slot (SIGTTIN); none once shutting down or at the limit.</summary>
    public async Task ScaleUpAsync()
    {
        await _scaling.WaitAsync().ConfigureAwait(false);
        try
        {
            AddSlot();
        }
        finally
        {
            _scaling.Release();
        }
    }

    // Under _scaling.
    private WorkerSlot? AddSlot()
    {
        if (slots.TryAdd(NewSlot) is not { } slot)
        {
            return null;
        }
        ReportGcChange(slots.Count - 1, slots.Count);
        Run(slot);
        Log.ScaledUp(_logger, slot.Id, slots.Count);
        events?.Add(ClusterEventKind.ScaledUp, slot.Id, null, $"worker {slot.Id} added ({slots.Count} workers)");
        return slot;
    }

    // The workers launched from now on get other GC settings (--worker-gc auto, the count crossed the CPUs'): said once.
    private void ReportGcChange(int before, int after)
    {
        var cpus = Environment.ProcessorCount;
        if (WorkerGcSettings.For(config.WorkerGc, before, cpus).Count != WorkerGcSettings.For(config.WorkerGc, after, cpus).Count)
        {
            Log.WorkerGcSettings(_logger, WorkerGcSettings.Describe(config, after, cpus));
        }
    }

    /// <summary>Drains and removes the highest worker slot (SIGTTOU); never the last one.</summary>
    public async Task ScaleDownAsync()
    {
        await _scaling.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!await RemoveSlotAsync().ConfigureAwait(false))
            {
                Log.ScaleDownRefused(_logger, slots.Count);
            }
        }
        finally
        {
            _scaling.Release();
        }
    }

    // Under _scaling. False when there is one slot left, or the cluster stops.
    private async Task<bool> RemoveSlotAsync()
    {
        if (slots.TryRemoveLast() is not { } slot)
        {
            return false;
        }
        Log.ScalingDown(_logger, slot.Id, slots.Count);
        ReportGcChange(slots.Count + 1, slots.Count);
        var pid = slot.Current?.Pid;
        events?.Add(ClusterEventKind.ScaledDown, slot.Id, pid, $"worker {slot.Id} draining ({slots.Count} workers remain)");
        await slot.StopAsync(config.ShutdownTimeout, WorkerExitReason.ScaleDown).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Adds or drains slots until there are <paramref name="target"/>, then waits until each has a
    /// ready worker (a slot that gives up fails it), reporting each step to <paramref name="progress"/>.
    /// One scaling at a time, signals included. Bounded by <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task<ScaleOutcome> ScaleToAsync(int target, Action<string> progress, CancellationToken cancellationToken)
    {
        if (target < ClusterHostOptionsValidator.MinWorkers || target > ClusterHostOptionsValidator.MaxWorkers)
        {
            return new ScaleOutcome(false, slots.Count, $"{target} workers is out of range: {ClusterHostOptionsValidator.MinWorkers} to {ClusterHostOptionsValidator.MaxWorkers}");
        }
        await _scaling.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (slots.Count < target)
            {
                if (AddSlot() is not { } added)
                {
                    return new ScaleOutcome(false, slots.Count, "the cluster is stopping");
                }
                progress($"worker {added.Id} added, starting ({slots.Count}/{target})");
            }
            while (slots.Count > target)
            {
                var last = slots.Current[^1];
                progress($"worker {last.Id} draining");
                if (!await RemoveSlotAsync().ConfigureAwait(false))
                {
                    return new ScaleOutcome(false, slots.Count, "the cluster is stopping");
                }
                progress($"worker {last.Id} drained and removed ({slots.Count} worker{(slots.Count == 1 ? "" : "s")} remain{(slots.Count == 1 ? "s" : "")})");
            }
        }
        finally
        {
            _scaling.Release();
        }
        return await WaitUntilAllReadyAsync(target, progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ScaleOutcome> WaitUntilAllReadyAsync(int target, Action<string> progress, CancellationToken cancellationToken)
    {
        var reported = new HashSet<int>();
        while (true)
        {
            var current = slots.Current;
            var changes = current.Select(s => s.Changed).ToArray(); // taken before the states are read
            if (slots.IsClosed)
            {
                return new ScaleOutcome(false, current.Count, "the cluster is stopping");
            }
            if (current.Count != target)
            {
                return new ScaleOutcome(false, current.Count, $"the worker count changed meanwhile (now {current.Count})");
            }
            if (current.FirstOrDefault(s => s.State == WorkerSlotState.GaveUp) is { } gaveUp)
            {
                return new ScaleOutcome(false, current.Count, $"worker {gaveUp.Id} was given up: it failed {config.MaxRestarts + 1} times in a row (see the log)");
            }
            foreach (var slot in current.Where(s => s.State == WorkerSlotState.Ready && reported.Add(s.Id)))
            {
                progress($"worker {slot.Id} ready (pid {slot.Current?.Pid})");
            }
            if (current.All(s => s.State is WorkerSlotState.Ready or WorkerSlotState.Replacing))
            {
                return new ScaleOutcome(true, current.Count, null);
            }
            await Task.WhenAny(changes).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sets how long each worker may drain when the cluster stops (<c>clusterhost stop --timeout</c>), instead of <c>--shutdown-timeout</c>.</summary>
    public void SetDrainTimeout(TimeSpan timeout) => Interlocked.Exchange(ref _drainTimeoutTicks, timeout.Ticks);

    /// <summary>Adds and removes no more slots; returns how many workers are alive, to be drained.</summary>
    public int BeginShutdown() => slots.Close().Count(s => s.Current is { Exited.IsCompleted: false });

    /// <summary>Drains every worker (each killed after the drain budget) and waits until every slot's run has ended.</summary>
    public async Task DrainAsync()
    {
        var closed = slots.Close();
        var ticks = Interlocked.Read(ref _drainTimeoutTicks);
        var drainTimeout = ticks < 0 ? config.ShutdownTimeout : TimeSpan.FromTicks(ticks);
        await Task.WhenAll(closed.Select(s => s.StopAsync(drainTimeout))).ConfigureAwait(false);
        Task[] runs;
        lock (_gate)
        {
            runs = [.. _runs];
        }
        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    private WorkerSlot NewSlot(int id) => new(id, launcher, front, config, time, _slotLogger, events);

    private void Run(WorkerSlot slot)
    {
        lock (_gate)
        {
            // Off the caller's path: the host finishes starting while workers boot.
            _runs.Add(Task.Run(() => RunSlotAsync(slot)));
        }
    }

    private async Task RunSlotAsync(WorkerSlot slot)
    {
        SlotOutcome ended;
        try
        {
            ended = await slot.RunAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A bug, not a worker's failure: the slot cannot be supervised any more.
            Log.SlotFailed(_logger, slot.Id, e);
            ended = SlotOutcome.Fatal;
        }
        switch (ended)
        {
            case SlotOutcome.Fatal:
                outcome.Fail(ExitCodes.Failure);
                lifetime.StopApplication();
                break;
            case SlotOutcome.GaveUp when slots.Current.All(s => s.State == WorkerSlotState.GaveUp):
                Log.AllSlotsGaveUp(_logger, ExitCodes.CrashLoop);
                outcome.Fail(ExitCodes.CrashLoop);
                lifetime.StopApplication();
                break;
        }
    }

    public void Dispose() => _scaling.Dispose();
}
