using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Worker.Internal;

/// <summary>The worker library's log messages; event ids 1000-1099, metrics 1100-1199, draining 1500-1549, the app's metrics route 1420-1449.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Debug, "Worker {WorkerId} told the primary it is ready", EventName = "WorkerReady")]
    public static partial void Ready(ILogger logger, int workerId);

    [LoggerMessage(1001, LogLevel.Information, "Worker {WorkerId} draining at the primary's request", EventName = "WorkerDraining")]
    public static partial void Draining(ILogger logger, int workerId);

    [LoggerMessage(1002, LogLevel.Warning, "Worker {WorkerId}: the primary is gone; stopping, and exiting within {Timeout} regardless", EventName = "PrimaryGone")]
    public static partial void PrimaryGone(ILogger logger, int workerId, TimeSpan timeout);

    [LoggerMessage(1003, LogLevel.Error, "Worker {WorkerId}: graceful stop after the primary's death took too long; killing this process", EventName = "OrphanExit")]
    public static partial void OrphanExit(ILogger logger, int workerId);

    [LoggerMessage(1004, LogLevel.Debug, "SIGINT ignored: the primary drains its workers on Ctrl+C", EventName = "SigintIgnored")]
    public static partial void SigintIgnored(ILogger logger);

    [LoggerMessage(1005, LogLevel.Information, "Stopping on {Signal}", EventName = "StoppingOnSignal")]
    public static partial void StoppingOnSignal(ILogger logger, PosixSignal signal);

    [LoggerMessage(1006, LogLevel.Warning, "Worker {WorkerId}: {Overridden} are ignored under ClusterHost; the cluster serves on --urls", EventName = "AppAddressesOverridden")]
    public static partial void AppAddressesOverridden(ILogger logger, int workerId, string overridden);

    [LoggerMessage(1050, LogLevel.Information, "Worker {WorkerId}: data-protection keys are in the key ring all workers share, {Directory}", EventName = "SharedKeyRing")]
    public static partial void SharedKeyRing(ILogger logger, int workerId, string directory);

    [LoggerMessage(1051, LogLevel.Debug, "Worker {WorkerId}: the app stores its data-protection keys itself ({Repository}); the cluster's key ring is not used", EventName = "OwnKeyStorage")]
    public static partial void OwnKeyStorage(ILogger logger, int workerId, string repository);

    [LoggerMessage(1500, LogLevel.Information, "Worker {WorkerId} draining: {Listeners} listener(s) closed, {Connections} connection(s) open; responses now say Connection: close, idle connections close after {IdleBound} idle", EventName = "DrainStarted")]
    public static partial void DrainStarted(ILogger logger, int workerId, int listeners, int connections, TimeSpan idleBound);

    [LoggerMessage(1501, LogLevel.Information, "Worker {WorkerId} drained in {ElapsedMs} ms; {Remaining} connection(s) left to Kestrel's stop", EventName = "Drained")]
    public static partial void Drained(ILogger logger, int workerId, long elapsedMs, int remaining);

    [LoggerMessage(1100, LogLevel.Warning, "Instrument {Instrument} has reached {MaxSeries} series; further tag combinations are counted in one series tagged otel.metric.overflow=true", EventName = "MetricSeriesCapped")]
    public static partial void MetricSeriesCapped(ILogger logger, string instrument, int maxSeries);

    [LoggerMessage(1101, LogLevel.Warning, "Worker {WorkerId} could not collect its metrics for the primary", EventName = "MetricsCollectionFailed")]
    public static partial void MetricsCollectionFailed(ILogger logger, int workerId, Exception exception);

    [LoggerMessage(1102, LogLevel.Warning, "Worker {WorkerId}: its metrics snapshot exceeds the control channel's {MaxLineBytes}-byte line limit; answered the primary without metrics", EventName = "MetricsTooLarge")]
    public static partial void MetricsTooLarge(ILogger logger, int workerId, int maxLineBytes);

    [LoggerMessage(1420, LogLevel.Information, "Worker {WorkerId}: the app's prometheus-net metrics route answers with every worker's registry, merged with the worker label", EventName = "AppMetricsRouteMerged")]
    public static partial void AppMetricsRouteMerged(ILogger logger, int workerId);

    [LoggerMessage(1421, LogLevel.Warning, "Worker {WorkerId}: the app's metrics route answered 503: {Reason}", EventName = "ClusterMetricsUnavailable")]
    public static partial void ClusterMetricsUnavailable(ILogger logger, int workerId, string reason);
}
