namespace ClusterHost.Primary.Supervision;

/// <summary>The lower-case names used in logs and metric labels.</summary>
internal static class WorkerExitReasonNames
{
    public static string ToName(WorkerExitReason reason) => reason switch
    {
        WorkerExitReason.Crash => "crash",
        WorkerExitReason.StartTimeout => "start-timeout",
        WorkerExitReason.LaunchFailure => "launch-failure",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
