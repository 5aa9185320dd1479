using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

/// <summary>
/// Every log message of the primary, with its event id: 1-99 supervision, 100-199 control
/// channel, 200-299 balancing, 300-399 metrics, 600-649 systemd (Log.Systemd.cs), 1300-1349 SignalR
/// connection affinity (Log.SignalR.cs), 1400-1449 probe-free proxy health and the app's /metrics
/// route (Log.Probe.cs), 900-949 handoff (Log.Handoff.cs), 1500-1549 standby processes (Log.Standby.cs).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Worker {WorkerId} starting (pid {Pid})", EventName = "WorkerStarting")]
    public static partial void WorkerStarting(ILogger logger, int workerId, int pid);

    [LoggerMessage(2, LogLevel.Information, "Worker {WorkerId} (pid {Pid}) ready in {StartupMs} ms", EventName = "WorkerReady")]
    public static partial void WorkerReady(ILogger logger, int workerId, int pid, long startupMs);

    [LoggerMessage(3, LogLevel.Information, "ClusterHost ready: {Urls} (mode {Mode}, {Workers}, cwd {WorkingDirectory}, pids {Pids})", EventName = "ClusterReady")]
    public static partial void ClusterReady(ILogger logger, string urls, string mode, string workers, string workingDirectory, string pids);

    [LoggerMessage(4, LogLevel.Warning, "Worker {WorkerId} (pid {Pid}) exited with {Exit} after {Uptime} ({Reason})", EventName = "WorkerExited")]
    public static partial void WorkerExited(ILogger logger, int workerId, int pid, string exit, TimeSpan uptime, string reason);

    [LoggerMessage(5, LogLevel.Information, "Restarting worker {WorkerId} in {DelayMs} ms (failure {Failures} in a row; limit {MaxRestarts})", EventName = "WorkerRestarting")]
    public static partial void Restarting(ILogger logger, int workerId, long delayMs, int failures, int maxRestarts);

    [LoggerMessage(6, LogLevel.Error, "Worker {WorkerId} failed {Failures} times in a row without staying up {StableUptime}; giving up on this slot", EventName = "SlotGaveUp")]
    public static partial void SlotGaveUp(ILogger logger, int workerId, int failures, TimeSpan stableUptime);

    [LoggerMessage(7, LogLevel.Critical, "Every worker slot is crash-looping; stopping with exit code {ExitCode}", EventName = "AllSlotsGaveUp")]
    public static partial void AllSlotsGaveUp(ILogger logger, int exitCode);

    [LoggerMessage(8, LogLevel.Error, "Worker {WorkerId} (pid {Pid}) was not ready within {Timeout} (Kestrel never listened); killing it, and counting it as a failed start", EventName = "WorkerNotReady")]
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

    [LoggerMessage(20, LogLevel.Information, "Worker {WorkerId}: replacing pid {OldPid} with pid {NewPid} ({Reason})", EventName = "WorkerReplacing")]
    public static partial void WorkerReplacing(ILogger logger, int workerId, int oldPid, int newPid, string reason);

    [LoggerMessage(21, LogLevel.Error, "Worker {WorkerId}: the replacement (pid {Pid}, {Reason}) was not ready within {Timeout}; keeping the old worker", EventName = "ReplacementFailed")]
    public static partial void ReplacementFailed(ILogger logger, int workerId, int pid, string reason, TimeSpan timeout);

    [LoggerMessage(22, LogLevel.Information, "Reload requested", EventName = "ReloadRequested")]
    public static partial void ReloadRequested(ILogger logger);

    [LoggerMessage(23, LogLevel.Information, "Reload requested while one is queued; coalesced into it", EventName = "ReloadCoalesced")]
    public static partial void ReloadCoalesced(ILogger logger);

    [LoggerMessage(24, LogLevel.Information, "Reload started: replacing {WorkerCount} workers one at a time", EventName = "ReloadStarted")]
    public static partial void ReloadStarted(ILogger logger, int workerCount);

    [LoggerMessage(25, LogLevel.Information, "Reload finished: {Replaced} workers replaced in {Elapsed}", EventName = "ReloadFinished")]
    public static partial void ReloadFinished(ILogger logger, int replaced, TimeSpan elapsed);

    [LoggerMessage(26, LogLevel.Error, "Reload aborted at worker {WorkerId}: its replacement could not start; {Replaced} replaced, {Kept} old workers kept serving", EventName = "ReloadAborted")]
    public static partial void ReloadAborted(ILogger logger, int workerId, int replaced, int kept);

    [LoggerMessage(27, LogLevel.Information, "Scaled up: worker {WorkerId} added ({WorkerCount} workers)", EventName = "ScaledUp")]
    public static partial void ScaledUp(ILogger logger, int workerId, int workerCount);

    [LoggerMessage(28, LogLevel.Information, "Scaling down: draining worker {WorkerId} ({WorkerCount} workers remain)", EventName = "ScalingDown")]
    public static partial void ScalingDown(ILogger logger, int workerId, int workerCount);

    [LoggerMessage(29, LogLevel.Warning, "Scale-down refused: {WorkerCount} worker(s) left, and a cluster keeps at least one", EventName = "ScaleDownRefused")]
    public static partial void ScaleDownRefused(ILogger logger, int workerCount);

    [LoggerMessage(30, LogLevel.Error, "Worker {WorkerId} (pid {Pid}) is hung: no heartbeat for {Silence}; stacks written to {EvidencePath}; killing it", EventName = "WorkerHung")]
    public static partial void WorkerHung(ILogger logger, int workerId, int pid, TimeSpan silence, string evidencePath);

    [LoggerMessage(31, LogLevel.Warning, "Worker {WorkerId} (pid {Pid}) uses {Resident}, over --max-memory {Limit}; replacing it", EventName = "RecyclingForMemory")]
    public static partial void RecyclingForMemory(ILogger logger, int workerId, int pid, string resident, string limit);

    [LoggerMessage(32, LogLevel.Information, "Worker {WorkerId} (pid {Pid}) served {Requests} requests (limit {Limit}); replacing it", EventName = "RecyclingForRequests")]
    public static partial void RecyclingForRequests(ILogger logger, int workerId, int pid, long requests, long limit);

    [LoggerMessage(33, LogLevel.Error, "Watching worker {WorkerId} failed", EventName = "WatchFailed")]
    public static partial void WatchFailed(ILogger logger, int workerId, Exception exception);

    [LoggerMessage(34, LogLevel.Information, "net.ipv4.tcp_migrate_req: {Status} (connections queued on a draining worker's listener move to another worker only when it is on)", EventName = "TcpMigrateRequest")]
    public static partial void TcpMigrateRequest(ILogger logger, ClusterHost.Primary.Platform.TcpMigrateRequestStatus status);

    [LoggerMessage(35, LogLevel.Critical, "Worker slot {WorkerId} failed; stopping the cluster", EventName = "SlotFailed")]
    public static partial void SlotFailed(ILogger logger, int workerId, Exception exception);

    [LoggerMessage(36, LogLevel.Error, "Reload failed; the next SIGHUP tries again", EventName = "ReloadFailed")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(37, LogLevel.Error, "Failed {Task}", EventName = "BackgroundTaskFailed")]
    public static partial void BackgroundTaskFailed(ILogger logger, string task, Exception exception);

    [LoggerMessage(38, LogLevel.Critical, "{Loop} failed; stopping the cluster", EventName = "BackgroundLoopFailed")]
    public static partial void BackgroundLoopFailed(ILogger logger, string loop, Exception exception);

    [LoggerMessage(40, LogLevel.Error, "Worker {WorkerId}: illegal slot transition from {From} to {To}; ignored", EventName = "IllegalSlotTransition")]
    public static partial void IllegalSlotTransition(ILogger logger, int workerId, ClusterHost.Primary.Supervision.WorkerSlotState from, ClusterHost.Primary.Supervision.WorkerSlotState to);

    [LoggerMessage(41, LogLevel.Error, "Worker {WorkerId} failed once (--max-restarts 0); giving up on this slot", EventName = "SlotGaveUpAtFirstFailure")]
    public static partial void SlotGaveUpAtFirstFailure(ILogger logger, int workerId);

    [LoggerMessage(42, LogLevel.Debug, "Worker {WorkerId} slot: {From} -> {To}", EventName = "SlotStateChanged")]
    public static partial void SlotStateChanged(ILogger logger, int workerId, ClusterHost.Primary.Supervision.WorkerSlotState from, ClusterHost.Primary.Supervision.WorkerSlotState to);

    [LoggerMessage(100, LogLevel.Warning, "Rejected a control connection from pid {Pid}: {Reason} ({Suppressed} more of this kind in the last {Period} not logged)", EventName = "ControlRejected")]
    public static partial void ControlRejected(ILogger logger, int pid, string reason, int suppressed, TimeSpan period);

    [LoggerMessage(101, LogLevel.Error, "The control connection from pid {Pid} failed", EventName = "ControlConnectionFailed")]
    public static partial void ControlConnectionFailed(ILogger logger, int pid, Exception exception);

    [LoggerMessage(102, LogLevel.Debug, "Skipped a control line from pid {Pid}: {Status}", EventName = "ControlLineSkipped")]
    public static partial void ControlLineSkipped(ILogger logger, int pid, ClusterHost.Control.ControlReadStatus status);

    [LoggerMessage(300, LogLevel.Information, "Metrics at {Url}", EventName = "MetricsListening")]
    public static partial void MetricsListening(ILogger logger, string url);

    [LoggerMessage(301, LogLevel.Information, "Metrics endpoint off (--metrics-urls none)", EventName = "MetricsDisabled")]
    public static partial void MetricsDisabled(ILogger logger);

    [LoggerMessage(302, LogLevel.Debug, "Worker {WorkerId} (pid {Pid}) did not answer the metrics scrape within {Timeout}; reported not up", EventName = "WorkerScrapeTimedOut")]
    public static partial void WorkerScrapeTimedOut(ILogger logger, int workerId, int pid, TimeSpan timeout);

    [LoggerMessage(303, LogLevel.Error, "Metrics scrape failed", EventName = "MetricsScrapeFailed")]
    public static partial void MetricsScrapeFailed(ILogger logger, Exception exception);
}
