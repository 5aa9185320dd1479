using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Diagnostics;
using ClusterHost.Primary.Platform;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Runs the worker slots: starts them all and reports the cluster ready once every slot is;
/// reloads on SIGHUP, scales on SIGTTIN/SIGTTOU; watches every worker's heartbeat, memory and
/// request count; and on host shutdown stops the balancer accepting, then drains every worker.
/// </summary>
internal sealed class Supervisor(
    ClusterHostConfig config,
    IBalancer balancer,
    IWorkerLauncher launcher,
    ClusterSize size,
    ClusterOutcome clusterOutcome,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<Supervisor> logger) : BackgroundService
{
    /// <summary>How often heartbeats, memory and request counts are checked.</summary>
    internal static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly List<WorkerSlot> _slots = [];
    private readonly List<Task> _runs = [];
    private readonly Channel<bool> _reloads = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.Wait });
    private readonly SemaphoreSlim _scaling = new(1, 1);
    private readonly List<PosixSignalRegistration> _signals = [];
    private volatile bool _stopping;

    /// <summary>The slots now, lowest id first.</summary>
    public IReadOnlyList<WorkerSlot> Slots
    {
        get
        {
            lock (_gate)
            {
                return [.. _slots];
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (balancer.Mode == BalancingMode.ReusePort)
        {
            Log.TcpMigrateRequest(logger, TcpMigrateRequest.Enable());
        }
        for (var id = 0; id < config.Workers; id++)
        {
            AddSlot();
        }
        RegisterSignals();
        _ = ReportReadyAsync(stoppingToken);

        var watch = WatchAsync(stoppingToken);
        var reloads = RunReloadsAsync(stoppingToken);
        await Task.WhenAll(watch, reloads).ConfigureAwait(false);
        Task[] runs;
        lock (_gate)
        {
            runs = [.. _runs];
        }
        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    private WorkerSlot AddSlot()
    {
        lock (_gate)
        {
            var slot = new WorkerSlot(_slots.Count, launcher, balancer, config, time, logger);
            _slots.Add(slot);
            size.Workers = _slots.Count;
            _runs.Add(RunSlotAsync(slot));
            return slot;
        }
    }

    private void RegisterSignals()
    {
        // Each handler cancels the default action: SIGHUP would terminate the process, and
        // SIGTTIN/SIGTTOU would stop it.
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            RequestReload();
        }));
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTTIN, context =>
        {
            context.Cancel = true;
            _ = ScaleUpAsync();
        }));
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTTOU, context =>
        {
            context.Cancel = true;
            _ = ScaleDownAsync();
        }));
    }

    private async Task ReportReadyAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(Slots.Select(s => s.FirstReady)).WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var slots = Slots;
        var pids = string.Join(", ", slots.Select(s => s.Current?.Pid ?? 0));
        Log.ClusterReady(logger, string.Join(", ", balancer.Urls), BalancingModeNames.ToName(balancer.Mode), slots.Count, pids);
    }

    private async Task RunSlotAsync(WorkerSlot slot)
    {
        // Off the start-up path: the host finishes starting while workers boot.
        await Task.Yield();
        var outcome = await slot.RunAsync().ConfigureAwait(false);
        switch (outcome)
        {
            case SlotOutcome.Fatal:
                clusterOutcome.Fail(ExitCodes.Failure);
                lifetime.StopApplication();
                break;
            case SlotOutcome.GaveUp when Slots.All(s => s.State == WorkerSlotState.GaveUp):
                Log.AllSlotsGaveUp(logger, ExitCodes.CrashLoop);
                clusterOutcome.Fail(ExitCodes.CrashLoop);
                lifetime.StopApplication();
                break;
        }
    }

    /// <summary>
    /// Asks for a rolling reload. One runs at a time; one more request made during a reload is
    /// queued and runs after it; further ones coalesce into that queued one.
    /// </summary>
    public void RequestReload()
    {
        if (_reloads.Writer.TryWrite(true))
        {
            Log.ReloadRequested(logger);
        }
        else
        {
            Log.ReloadCoalesced(logger);
        }
    }

    private async Task RunReloadsAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in _reloads.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await ReloadAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Replaces every ready worker, one at a time; stops at the first that fails, keeping the rest.</summary>
    private async Task ReloadAsync()
    {
        var started = time.GetTimestamp();
        var slots = Slots;
        Log.ReloadStarted(logger, slots.Count);
        var replaced = 0;
        foreach (var slot in slots)
        {
            if (_stopping)
            {
                return;
            }
            if (slot.State != WorkerSlotState.Ready)
            {
                continue; // a worker that is starting or backing off starts the new build anyway
            }
            if (!await slot.ReplaceAsync(WorkerExitReason.Reload).ConfigureAwait(false))
            {
                if (!_stopping)
                {
                    Log.ReloadAborted(logger, slot.Id, replaced, slots.Count - replaced);
                }
                return;
            }
            replaced++;
        }
        Log.ReloadFinished(logger, replaced, time.GetElapsedTime(started));
    }

    /// <summary>Adds a worker slot (SIGTTIN).</summary>
    public async Task ScaleUpAsync()
    {
        await _scaling.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_stopping || Slots.Count >= ClusterHostOptionsValidator.MaxWorkers)
            {
                return;
            }
            var slot = AddSlot();
            Log.ScaledUp(logger, slot.Id, Slots.Count);
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
            WorkerSlot slot;
            lock (_gate)
            {
                if (_stopping || _slots.Count <= 1)
                {
                    Log.ScaleDownRefused(logger, _slots.Count);
                    return;
                }
                slot = _slots[^1];
                _slots.RemoveAt(_slots.Count - 1);
                size.Workers = _slots.Count;
            }
            Log.ScalingDown(logger, slot.Id, Slots.Count);
            await slot.StopAsync(config.ShutdownTimeout, WorkerExitReason.ScaleDown).ConfigureAwait(false);
        }
        finally
        {
            _scaling.Release();
        }
    }

    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(WatchInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var slot in Slots)
                {
                    try
                    {
                        Watch(slot);
                    }
                    catch (Exception e)
                    {
                        // One slot's trouble must not end the watch over the others.
                        Log.WatchFailed(logger, slot.Id, e);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Watch(WorkerSlot slot)
    {
        if (_stopping || slot.State != WorkerSlotState.Ready || slot.IsReplacing || slot.IsEnding || slot.Current is not { } worker || worker.Exited.IsCompleted)
        {
            return;
        }

        if (config.WorkerTimeout > TimeSpan.Zero)
        {
            var lastSign = Math.Max(worker.LastHeartbeat, slot.CurrentReadyAt);
            var silence = time.GetElapsedTime(lastSign);
            if (silence >= config.WorkerTimeout && slot.TryBeginEnding(worker))
            {
                _ = EndHungWorkerAsync(slot, worker, silence);
                return;
            }
        }
        if (config.MaxMemoryBytes > 0 && ProcessInfo.ResidentBytes(worker.Pid) is { } rss && rss > config.MaxMemoryBytes)
        {
            Log.RecyclingForMemory(logger, slot.Id, worker.Pid, ByteSize.Format(rss), ByteSize.Format(config.MaxMemoryBytes));
            _ = slot.ReplaceAsync(WorkerExitReason.Memory);
            return;
        }
        if (slot.CurrentRequestLimit > 0 && worker.Requests >= slot.CurrentRequestLimit)
        {
            Log.RecyclingForRequests(logger, slot.Id, worker.Pid, worker.Requests, slot.CurrentRequestLimit);
            _ = slot.ReplaceAsync(WorkerExitReason.MaxRequests);
        }
    }

    private async Task EndHungWorkerAsync(WorkerSlot slot, IWorkerProcess worker, TimeSpan silence)
    {
        // Stop it first so the stacks are consistent; it is killed right after anyway.
        Interop.Kill(worker.Pid, Interop.SIGSTOP);
        var why = string.Create(CultureInfo.InvariantCulture,
            $"no heartbeat for {silence.TotalSeconds:0.0} s (--worker-timeout {config.WorkerTimeout.TotalSeconds:0.#} s)");
        string evidence;
        try
        {
            evidence = await StackCaptureCommand.CaptureAsync(config.EvidenceDirectory, slot.Id, worker.Pid, why, time.GetUtcNow()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            evidence = $"(none: {e.Message})";
        }
        Log.WorkerHung(logger, slot.Id, worker.Pid, silence, evidence);
        slot.EndHungWorker(worker);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }
        var slots = Slots;
        var live = slots.Count(s => s.Current is { Exited.IsCompleted: false });
        Log.ShuttingDown(logger, live, config.ShutdownTimeout);
        await balancer.StopAcceptingAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(slots.Select(s => s.StopAsync(config.ShutdownTimeout))).ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Log.Stopped(logger);
    }

    public override void Dispose()
    {
        _scaling.Dispose();
        base.Dispose();
    }
}
