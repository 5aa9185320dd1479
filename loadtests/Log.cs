using Microsoft.Extensions.Logging;

namespace ClusterHost.LoadTests;

/// <summary>The runner's progress messages (to stderr; the report goes to stdout): 1-49 cluster, 50-99 scenarios, 1450-1499 mixed-cost.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Starting a cluster: {Primary} (mode {Mode}, {Workers} workers, fault endpoints on)", EventName = "ClusterStarting")]
    public static partial void ClusterStarting(ILogger logger, string primary, string mode, int workers);

    [LoggerMessage(2, LogLevel.Information, "Cluster ready at {Url} (mode {Mode}, {Workers} workers, primary pid {PrimaryPid}, worker pids {Pids})", EventName = "ClusterReady")]
    public static partial void ClusterReady(ILogger logger, Uri url, string mode, int workers, int primaryPid, string pids);

    [LoggerMessage(3, LogLevel.Information, "Stopping the cluster (primary pid {PrimaryPid}, SIGTERM)", EventName = "ClusterStopping")]
    public static partial void ClusterStopping(ILogger logger, int primaryPid);

    [LoggerMessage(4, LogLevel.Warning, "The primary (pid {PrimaryPid}) did not stop within {Timeout}; killing it and its workers", EventName = "ClusterKilled")]
    public static partial void ClusterKilled(ILogger logger, int primaryPid, TimeSpan timeout);

    [LoggerMessage(5, LogLevel.Warning, "Killed leftover worker pid {Pid}", EventName = "LeftoverKilled")]
    public static partial void LeftoverKilled(ILogger logger, int pid);

    [LoggerMessage(6, LogLevel.Debug, "primary: {Line}", EventName = "PrimaryOutput")]
    public static partial void PrimaryOutput(ILogger logger, string line);

    [LoggerMessage(7, LogLevel.Information, "Targeting the running cluster at {Url}", EventName = "TargetingUrl")]
    public static partial void TargetingUrl(ILogger logger, Uri url);

    [LoggerMessage(50, LogLevel.Information, "Opened {Count} keep-alive connections: {Owners}", EventName = "ConnectionsOpened")]
    public static partial void ConnectionsOpened(ILogger logger, int count, string owners);

    [LoggerMessage(51, LogLevel.Information, "Blocking worker {Worker} (pid {Pid}) for {Seconds} s through connection {Connection}", EventName = "Blocking")]
    public static partial void Blocking(ILogger logger, int worker, int pid, double seconds, int connection);

    [LoggerMessage(52, LogLevel.Information, "Block ended after {ElapsedMs} ms", EventName = "BlockEnded")]
    public static partial void BlockEnded(ILogger logger, long elapsedMs);

    [LoggerMessage(53, LogLevel.Information, "{Count} slow requests in flight (/delay?ms={DelayMs}), one per worker", EventName = "SlowRequestsSent")]
    public static partial void SlowRequestsSent(ILogger logger, int count, int delayMs);

    [LoggerMessage(54, LogLevel.Information, "Crashing worker {Worker} (pid {Pid}) through connection {Connection}", EventName = "Crashing")]
    public static partial void Crashing(ILogger logger, int worker, int pid, int connection);

    [LoggerMessage(55, LogLevel.Information, "Worker {Worker} is gone: /crash failed after {ElapsedMs} ms ({Error})", EventName = "CrashSeen")]
    public static partial void CrashSeen(ILogger logger, int worker, long elapsedMs, string error);

    [LoggerMessage(56, LogLevel.Information, "Slot {Worker} serves again: pid {Pid}, {ElapsedMs} ms after the crash", EventName = "ServedAgain")]
    public static partial void ServedAgain(ILogger logger, int worker, int pid, long elapsedMs);

    [LoggerMessage(57, LogLevel.Information, "Wrote {What} to {Path}", EventName = "FileWritten")]
    public static partial void FileWritten(ILogger logger, string what, string path);

    [LoggerMessage(58, LogLevel.Warning, "{Signal}: stopping the scenario and what the runner started", EventName = "Interrupted")]
    public static partial void Interrupted(ILogger logger, System.Runtime.InteropServices.PosixSignal signal);

    [LoggerMessage(59, LogLevel.Information, "Chaos: {Fault} (pid {Pid})", EventName = "ChaosFault")]
    public static partial void ChaosFault(ILogger logger, string fault, int? pid);

    [LoggerMessage(1450, LogLevel.Information, "Mixed cost against {Url}: rate {Rate}, {Connections} connections, {Mix}; {WarmupSeconds} s warm-up, {DurationSeconds} s measured", EventName = "MixedCostStarting")]
    public static partial void MixedCostStarting(ILogger logger, Uri url, string rate, int connections, string mix, double warmupSeconds, int durationSeconds);

    [LoggerMessage(1451, LogLevel.Information, "Mixed cost: every request is due; {Queued} still wait for their connection", EventName = "MixedCostDraining")]
    public static partial void MixedCostDraining(ILogger logger, int queued);
}
