namespace ClusterHost.Primary.Supervision;

/// <summary>Why a worker left its slot; counted per slot for the restarts metric.</summary>
internal enum WorkerExitReason
{
    /// <summary>Exited on its own, unexpectedly (crash, signal from outside, exit call).</summary>
    Crash,

    /// <summary>Not ready within <c>--start-timeout</c>; killed.</summary>
    StartTimeout,

    /// <summary>Could not be started at all.</summary>
    LaunchFailure,
}
