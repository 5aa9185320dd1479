using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Runs the worker slots: creates <c>--workers</c> of them at start, adds one (SIGTTIN) or drains
/// and removes the highest (SIGTTOU) on request, and at shutdown drains them all. Each slot's run
/// is awaited here; a fatal worker, or every slot giving up, stops the cluster with its exit code.
/// </summary>
internal sealed class SlotSupervisor : IDisposable
{
    private readonly ClusterHostConfig _config;
    private readonly WorkerSlots _slots;
    private readonly IWorkerLauncher _launcher;
    private readonly IClusterFront _front;
    private readonly ClusterOutcome _outcome;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILogger _slotLogger;
    private readonly SemaphoreSlim _scaling = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<Task> _runs = [];

    public SlotSupervisor(
        ClusterHostConfig config,
        WorkerSlots slots,
        IWorkerLauncher launcher,
        IClusterFront front,
        ClusterOutcome outcome,
        IHostApplicationLifetime lifetime,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        _config = config;
        _slots = slots;
        _launcher = launcher;
        _front = front;
        _outcome = outcome;
        _lifetime = lifetime;
        _time = time;
        _logger = loggerFactory.CreateLogger<SlotSupervisor>();
        _slotLogger = loggerFactory.CreateLogger<WorkerSlot>();
    }

    /// <summary>Creates the <c>--workers</c> slots, then starts them all (so the first worker is already told the full count).</summary>
    public void Start()
    {
        var created = new List<WorkerSlot>();
        for (var i = 0; i < _config.Workers && _slots.TryAdd(NewSlot) is { } slot; i++)
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
            if (_slots.TryAdd(NewSlot) is { } slot)
            {
                Run(slot);
                Log.ScaledUp(_logger, slot.Id, _slots.Count);
            }
        }
        finally
        {
            _scaling.Release();
        }
    }

    /// <summary>Drains and removes the highest worker slot (SIGTTOU); never the last one.</summary>
    public async Task ScaleDownAsync()
    {
        await _scaling.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_slots.TryRemoveLast() is not { } slot)
            {
                Log.ScaleDownRefused(_logger, _slots.Count);
                return;
            }
            Log.ScalingDown(_logger, slot.Id, _slots.Count);
            await slot.StopAsync(_config.ShutdownTimeout, WorkerExitReason.ScaleDown).ConfigureAwait(false);
        }
        finally
        {
            _scaling.Release();
        }
    }

    /// <summary>Adds and removes no more slots; returns how many workers are alive, to be drained.</summary>
    public int BeginShutdown() => _slots.Close().Count(s => s.Current is { Exited.IsCompleted: false });

    /// <summary>Drains every worker (each killed after the drain budget) and waits until every slot's run has ended.</summary>
    public async Task DrainAsync()
    {
        var slots = _slots.Close();
        await Task.WhenAll(slots.Select(s => s.StopAsync(_config.ShutdownTimeout))).ConfigureAwait(false);
        Task[] runs;
        lock (_gate)
        {
            runs = [.. _runs];
        }
        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    private WorkerSlot NewSlot(int id) => new(id, _launcher, _front, _config, _time, _slotLogger);

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
        SlotOutcome outcome;
        try
        {
            outcome = await slot.RunAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A bug, not a worker's failure: the slot cannot be supervised any more.
            Log.SlotFailed(_logger, slot.Id, e);
            outcome = SlotOutcome.Fatal;
        }
        switch (outcome)
        {
            case SlotOutcome.Fatal:
                _outcome.Fail(ExitCodes.Failure);
                _lifetime.StopApplication();
                break;
            case SlotOutcome.GaveUp when _slots.Current.All(s => s.State == WorkerSlotState.GaveUp):
                Log.AllSlotsGaveUp(_logger, ExitCodes.CrashLoop);
                _outcome.Fail(ExitCodes.CrashLoop);
                _lifetime.StopApplication();
                break;
        }
    }

    public void Dispose() => _scaling.Dispose();
}
