namespace ClusterHost.Worker;

/// <summary>
/// Who this process is in the cluster, the way PM2's <c>NODE_APP_INSTANCE</c> tells a Node app.
/// Registered as a singleton by <c>UseClusterWorker()</c>; inject it anywhere.
/// </summary>
public sealed class ClusterWorkerInfo
{
    internal ClusterWorkerInfo(bool isWorker, int workerId, int workerCount)
    {
        IsWorker = isWorker;
        WorkerId = workerId;
        WorkerCount = workerCount;
    }

    /// <summary>True when a ClusterHost primary started this process; false when the app runs alone.</summary>
    public bool IsWorker { get; }

    /// <summary>The worker slot, 0..<see cref="WorkerCount"/>-1, stable across restarts. 0 when alone.</summary>
    public int WorkerId { get; }

    /// <summary>The number of worker slots in the cluster. 1 when alone.</summary>
    public int WorkerCount { get; }
}
