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
internal sealed class SlotSupervisor(
    ClusterHostConfig config,
    WorkerSlots slots,
    IWorkerLauncher launcher,
    IClusterFront front,
    ClusterOutcome outcome,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILoggerFactory loggerFactory) : IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<SlotSupervisor>();
    private readonly ILogger _slotLogger = loggerFactory.CreateLogger<WorkerSlot>();
    private readonly SemaphoreSlim _scaling = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<Task> _runs = [];

    /// <summary>Creates the <c>--workers</c> slots, then starts them all (so the first worker is already told the full count).</summary>
    public void Start()
    {
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
            if (slots.TryAdd(NewSlot) is { } slot)
            {
                Run(slot);
                Log.ScaledUp(_logger, slot.Id, slots.Count);
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
            if (slots.TryRemoveLast() is not { } slot)
            {
                Log.ScaleDownRefused(_logger, slots.Count);
                return;
            }
            Log.ScalingDown(_logger, slot.Id, slots.Count);
            await slot.StopAsync(config.ShutdownTimeout, WorkerExitReason.ScaleDown).ConfigureAwait(false);
        }
        finally
        {
            _scaling.Release();
        }
    }

    /// <summary>Adds and removes no more slots; returns how many workers are alive, to be drained.</summary>
    public int BeginShutdown() => slots.Close().Count(s => s.Current is { Exited.IsCompleted: false });

    /// <summary>Drains every worker (each killed after the drain budget) and waits until every slot's run has ended.</summary>
    public async Task DrainAsync()
    {
        var closed = slots.Close();
        await Task.WhenAll(closed.Select(s => s.StopAsync(config.ShutdownTimeout))).ConfigureAwait(false);
        Task[] runs;
        lock (_gate)
        {
            runs = [.. _runs];
        }
        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    private WorkerSlot NewSlot(int id) => new(id, launcher, front, config, time, _slotLogger);

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
