using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

/// <summary>
/// Every log message of the primary, with its event id: 1-99 supervision, 100-199 control
/// channel, 200-299 balancing, 300-399 metrics.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Worker {WorkerId} starting (pid {Pid})", EventName = "WorkerStarting")]
    public static partial void WorkerStarting(ILogger logger, int workerId, int pid);

    [LoggerMessage(2, LogLevel.Information, "Worker {WorkerId} (pid {Pid}) ready in {StartupMs} ms", EventName = "WorkerReady")]
    public static partial void WorkerReady(ILogger logger, int workerId, int pid, long startupMs);

    [LoggerMessage(3, LogLevel.Information, "ClusterHost ready: {Urls} (mode {Mode}, {WorkerCount} workers, pids {Pids})", EventName = "ClusterReady")]
    public static partial void ClusterReady(ILogger logger, string urls, string mode, int workerCount, string pids);

    [LoggerMessage(4, LogLevel.Warning, "Worker {WorkerId} (pid {Pid}) exited with {Exit} after {Uptime}", EventName = "WorkerExited")]
    public static partial void WorkerExited(ILogger logger, int workerId, int pid, string exit, TimeSpan uptime);

    [LoggerMessage(5, LogLevel.Information, "Restarting worker {WorkerId} in {DelayMs} ms (failure {Failures} in a row; limit {MaxRestarts})", EventName = "WorkerRestarting")]
    public static partial void Restarting(ILogger logger, int workerId, long delayMs, int failures, int maxRestarts);

    [LoggerMessage(6, LogLevel.Error, "Worker {WorkerId} failed {Failures} times in a row without staying up {StableUptime}; giving up on this slot", EventName = "SlotGaveUp")]
    public static partial void SlotGaveUp(ILogger logger, int workerId, int failures, TimeSpan stableUptime);

    [LoggerMessage(7, LogLevel.Critical, "Every worker slot is crash-looping; stopping with exit code {ExitCode}", EventName = "AllSlotsGaveUp")]
    public static partial void AllSlotsGaveUp(ILogger logger, int exitCode);

    [LoggerMessage(8, LogLevel.Error, "Worker {WorkerId} (pid {Pid}) was not ready within {Timeout}; killing it (does the app call UseClusterWorker()?)", EventName = "WorkerNotReady")]
    public static partial void WorkerNotReady(ILogger logger, int workerId, int pid, TimeSpan timeout);

    [LoggerMessage(9, LogLevel.Critical, "Worker {WorkerId} (pid {Pid}) cannot serve: {Reason}; stopping the cluster", EventName = "WorkerFatal")]
    public static partial void WorkerFatal(ILogger logger, int workerId, int pid, string reason);

    [LoggerMessage(10, LogLevel.Information, "Shutting down: draining {WorkerCount} workers (timeout {Timeout})", EventName = "ShuttingDown")]
    public static partial void ShuttingDown(ILogger logger, int workerCount, TimeSpan timeout);

    [LoggerMessage(11, LogLevel.Information, "Worker {WorkerId} (pid {Pid}) drained and exited with {Exit} after {Elapsed}", EventName = "WorkerDrained")]
    public static partial void WorkerDrained(ILogger logger, int workerId, int pid, string exit, TimeSpan elapsed);

    [LoggerMessage(12, LogLevel.Warning, "Worker {WorkerId} (pid {Pid}) did not drain within {Timeout}; killing it", EventName = "DrainTimedOut")]
    public static partial void DrainTimedOut(ILogger logger, int workerId, int pid, TimeSpan timeout);

    [LoggerMessage(13, LogLevel.Error, "Worker {WorkerId} could not be started", EventName = "LaunchFailed")]
    public static partial void LaunchFailed(ILogger logger, int workerId, Exception exception);

    [LoggerMessage(14, LogLevel.Information, "ClusterHost stopped", EventName = "Stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(100, LogLevel.Warning, "Rejected a control connection from pid {Pid}: {Reason}", EventName = "ControlRejected")]
    public static partial void ControlRejected(ILogger logger, int pid, string reason);

    [LoggerMessage(300, LogLevel.Information, "Metrics at {Url}", EventName = "MetricsListening")]
    public static partial void MetricsListening(ILogger logger, string url);

    [LoggerMessage(301, LogLevel.Information, "Metrics endpoint off (--metrics-urls none)", EventName = "MetricsDisabled")]
    public static partial void MetricsDisabled(ILogger logger);

    [LoggerMessage(302, LogLevel.Debug, "Worker {WorkerId} (pid {Pid}) did not answer the metrics scrape within {Timeout}; reported not up", EventName = "WorkerScrapeTimedOut")]
    public static partial void WorkerScrapeTimedOut(ILogger logger, int workerId, int pid, TimeSpan timeout);

    [LoggerMessage(303, LogLevel.Error, "Metrics scrape failed", EventName = "MetricsScrapeFailed")]
    public static partial void MetricsScrapeFailed(ILogger logger, Exception exception);
}
