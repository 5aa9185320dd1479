namespace ClusterHost.Primary.Supervision;

/// <summary>Why a worker left its slot; counted per slot and reason in <c>clusterhost_worker_exits_total</c>.</summary>
internal enum WorkerExitReason
{
    /// <summary>Exited on its own, unexpectedly (crash, signal from outside, exit call).</summary>
    Crash,

    /// <summary>Not ready within <c>--start-timeout</c>; killed.</summary>
    StartTimeout,

    /// <summary>Could not be started at all.</summary>
    LaunchFailure,

    /// <summary>No heartbeat for <c>--worker-timeout</c>; stacks captured, then killed.</summary>
    Hung,

    /// <summary>Resident memory over <c>--max-memory</c>; replaced gracefully.</summary>
    Memory,

    /// <summary>Served its <c>--max-requests</c> (+ jitter); replaced gracefully.</summary>
    MaxRequests,

    /// <summary>Replaced by a rolling reload (SIGHUP).</summary>
    Reload,

    /// <summary>Removed by scaling down (SIGTTOU).</summary>
    ScaleDown,
}
