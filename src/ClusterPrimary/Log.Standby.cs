using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

// --standby: event ids 1500-1549 (the registry is in Log.cs).
internal static partial class Log
{
    [LoggerMessage(1500, LogLevel.Information, "Standby started (pid {Pid})", EventName = "StandbyStarted")]
    public static partial void StandbyStarted(ILogger logger, int pid);

    [LoggerMessage(1506, LogLevel.Information, "Standby (pid {Pid}) warm in {WarmMs} ms: it takes the place of the next worker that starts", EventName = "StandbyWarm")]
    public static partial void StandbyWarm(ILogger logger, int pid, long warmMs);

    [LoggerMessage(1501, LogLevel.Information, "Worker {WorkerId} is the standby (pid {Pid}), started {AgeMs} ms ago", EventName = "StandbyTaken")]
    public static partial void StandbyTaken(ILogger logger, int workerId, int pid, long ageMs);

    [LoggerMessage(1502, LogLevel.Information, "Standby (pid {Pid}) discarded: {Reason}", EventName = "StandbyDiscarded")]
    public static partial void StandbyDiscarded(ILogger logger, int pid, string reason);

    [LoggerMessage(1503, LogLevel.Warning, "Standby (pid {Pid}) exited while waiting: {Exit}; starting another in {DelayMs} ms", EventName = "StandbyExited")]
    public static partial void StandbyExited(ILogger logger, int pid, string exit, long delayMs);

    [LoggerMessage(1504, LogLevel.Error, "No more standbys: {Failures} in a row exited before they were needed; workers start cold", EventName = "StandbyGaveUp")]
    public static partial void StandbyGaveUp(ILogger logger, int failures);

    [LoggerMessage(1505, LogLevel.Warning, "A standby could not be started; starting another in {DelayMs} ms", EventName = "StandbyLaunchFailed")]
    public static partial void StandbyLaunchFailed(ILogger logger, long delayMs, Exception exception);
}
