using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Diagnostics;
using ClusterHost.Primary.Events;
using ClusterHost.Primary.Hosting;
using ClusterHost.Primary.Platform;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Checks every ready worker once a second: one silent for <c>--worker-timeout</c> is hung and is
/// ended (<see cref="HungWorkerHandler"/>); one over <c>--max-memory</c> or past its
/// <c>--max-requests</c> is recycled (replaced gracefully). What it starts, <see cref="BackgroundTasks"/> owns.
/// </summary>
internal sealed class WorkerWatch(
    ClusterHostConfig config,
    WorkerSlots slots,
    HungWorkerHandler hungWorkers,
    BackgroundTasks tasks,
    TimeProvider time,
    ILogger<WorkerWatch> logger,
    ClusterEventLog? events = null)
{
    /// <summary>How often heartbeats, memory and request counts are checked. 1 s.</summary>
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private long _lastCheck;

    /// <summary>
    /// When the loop last ran (a <see cref="TimeProvider"/> timestamp), 0 before it starts: the
    /// supervisor's pulse, on which the systemd watchdog ping depends.
    /// </summary>
    public long LastCheck => Interlocked.Read(ref _lastCheck);

    /// <summary>Checks every <see cref="Interval"/> until <paramref name="stoppingToken"/> is cancelled; one slot's failure never ends it.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        Interlocked.Exchange(ref _lastCheck, time.GetTimestamp());
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Interlocked.Exchange(ref _lastCheck, time.GetTimestamp());
                foreach (var slot in slots.Current)
                {
                    try
                    {
                        Check(slot);
                    }
                    catch (Exception e)
                    {
                        // One slot's trouble must not end the watch over the others.
                        Log.WatchFailed(logger, slot.Id, e);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Check(WorkerSlot slot)
    {
        if (slots.IsClosed || slot.State != WorkerSlotState.Ready || slot.IsReplacing || slot.IsEnding || slot.Current is not { } worker || worker.Exited.IsCompleted)
        {
            return;
        }

        if (config.WorkerTimeout > TimeSpan.Zero)
        {
            var lastSign = Math.Max(worker.LastHeartbeat, slot.CurrentReadyAt);
            var silence = time.GetElapsedTime(lastSign);
            if (silence >= config.WorkerTimeout && slot.TryBeginEnding(worker))
            {
                tasks.Run("ending a hung worker", () => hungWorkers.EndAsync(slot, worker, silence));
                return;
            }
        }
        if (config.MaxMemoryBytes > 0 && ProcessInfo.ResidentBytes(worker.Pid) is { } rss && rss > config.MaxMemoryBytes)
        {
            Log.RecyclingForMemory(logger, slot.Id, worker.Pid, ByteSize.Format(rss), ByteSize.Format(config.MaxMemoryBytes));
            events?.Add(ClusterEventKind.Recycling, slot.Id, worker.Pid, $"worker {slot.Id} (pid {worker.Pid}) recycled: resident memory {ByteSize.Format(rss)} over --max-memory {ByteSize.Format(config.MaxMemoryBytes)}");
            tasks.Run("recycling a worker", () => slot.ReplaceAsync(WorkerExitReason.Memory));
            return;
        }
        if (slot.CurrentRequestLimit > 0 && worker.Requests >= slot.CurrentRequestLimit)
        {
            Log.RecyclingForRequests(logger, slot.Id, worker.Pid, worker.Requests, slot.CurrentRequestLimit);
            events?.Add(ClusterEventKind.Recycling, slot.Id, worker.Pid, $"worker {slot.Id} (pid {worker.Pid}) recycled: {worker.Requests} requests served, limit {slot.CurrentRequestLimit}");
            tasks.Run("recycling a worker", () => slot.ReplaceAsync(WorkerExitReason.MaxRequests));
        }
    }
}
