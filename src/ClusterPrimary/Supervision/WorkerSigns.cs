using System.Collections.Concurrent;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// The last sign of life (ready or heartbeat over the control channel) of every running launch,
/// for those outside supervision that route by it: the proxy takes a launch that has gone silent
/// out of rotation without sending it a probe. A launch is forgotten once it exits.
/// </summary>
internal sealed class WorkerSigns
{
    private readonly ConcurrentDictionary<WorkerInstance, IWorkerProcess> _running = new();

    /// <summary>Follows <paramref name="process"/> until it exits.</summary>
    public void Record(IWorkerProcess process)
    {
        _running[process.Instance] = process;
        process.Exited.ContinueWith(
            (_, state) => ((ConcurrentDictionary<WorkerInstance, IWorkerProcess>)state!).TryRemove(new KeyValuePair<WorkerInstance, IWorkerProcess>(process.Instance, process)),
            _running, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// The <see cref="TimeProvider.GetTimestamp"/> of the launch's last ready or heartbeat; null when
    /// it is not running (or not known here), 0 before its first sign.
    /// </summary>
    public long? LastSign(WorkerInstance instance) =>
        _running.TryGetValue(instance, out var process) && !process.Exited.IsCompleted ? process.LastHeartbeat : null;
}
