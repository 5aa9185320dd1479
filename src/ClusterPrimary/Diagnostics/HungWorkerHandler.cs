using System.Globalization;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Events;
using ClusterHost.Primary.Platform;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Diagnostics;

/// <summary>
/// Ends a worker that stopped heartbeating (<c>--worker-timeout</c>): stops it, writes what it
/// was doing (<see cref="StackCaptureCommand"/>), logs where, and kills it; its slot restarts it.
/// </summary>
internal sealed class HungWorkerHandler(ClusterHostConfig config, TimeProvider time, ILogger<HungWorkerHandler> logger, ClusterEventLog? events = null)
{
    /// <summary>Ends <paramref name="worker"/>, which its slot has already claimed (<see cref="WorkerSlot.TryBeginEnding"/>).</summary>
    public async Task EndAsync(WorkerSlot slot, IWorkerProcess worker, TimeSpan silence)
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
        events?.Add(ClusterEventKind.HungCaptured, slot.Id, worker.Pid, $"worker {slot.Id} (pid {worker.Pid}) hung, {why}: stacks in {evidence}; killing it");
        slot.EndHungWorker(worker);
    }
}
