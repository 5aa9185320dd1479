namespace ClusterHost.Primary.Supervision;

/// <summary>The lower-case names used in logs and metric labels.</summary>
internal static class WorkerExitReasonNames
{
    public static string ToName(WorkerExitReason reason) => reason switch
    {
        WorkerExitReason.Crash => "crash",
        WorkerExitReason.StartTimeout => "start-timeout",
        WorkerExitReason.LaunchFailure => "launch-failure",
        WorkerExitReason.Hung => "hung",
        WorkerExitReason.Memory => "memory",
        WorkerExitReason.MaxRequests => "max-requests",
        WorkerExitReason.Reload => "reload",
        WorkerExitReason.ScaleDown => "scale-down",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
