using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Worker.Internal;

/// <summary>The worker library's log messages; event ids 1000-1099, metrics 1100-1199, SignalR affinity 1300-1349, SignalR relay 1370-1399, the app's metrics route 1420-1449, draining 1500-1549.</summary>
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

    [LoggerMessage(1300, LogLevel.Debug, "SignalR: a {Kind} request for a connection of worker {WorkerId} (launch {Generation}), which is gone; answered 404 so the client negotiates again", EventName = "SignalROwnerGone")]
    public static partial void OwnerGone(ILogger logger, int workerId, long generation, string kind);

    [LoggerMessage(1301, LogLevel.Warning, "SignalR: forwarding a {Kind} request to worker {WorkerId} (launch {Generation}) failed", EventName = "SignalRForwardFailed")]
    public static partial void ForwardFailed(ILogger logger, int workerId, long generation, string kind, Exception exception);

    [LoggerMessage(1370, LogLevel.Debug, "Worker {WorkerId} joined the cluster's SignalR relay", EventName = "RelayConnected")]
    public static partial void RelayConnected(ILogger logger, int workerId);

    [LoggerMessage(1371, LogLevel.Warning, "Worker {WorkerId} lost the cluster's SignalR relay ({Reason}); connecting again. Messages to and from other workers meanwhile are lost", EventName = "RelayDisconnected")]
    public static partial void RelayDisconnected(ILogger logger, int workerId, string reason);

    [LoggerMessage(1372, LogLevel.Warning, "Worker {WorkerId}: the SignalR relay queue is full ({MaxFrames} messages or {MaxBytes} bytes); messages for other workers are dropped until it drains", EventName = "RelayQueueFull")]
    public static partial void RelayQueueFull(ILogger logger, int workerId, int maxFrames, long maxBytes);

    [LoggerMessage(1373, LogLevel.Warning, "Worker {WorkerId}: a SignalR message of {Bytes} bytes exceeds the relay's {MaxBytes}-byte limit; it reaches this worker's clients only", EventName = "RelayMessageTooLarge")]
    public static partial void RelayMessageTooLarge(ILogger logger, int workerId, int bytes, int maxBytes);

    [LoggerMessage(1374, LogLevel.Debug, "Worker {WorkerId}: a SignalR {Kind} message was not relayed to the other workers", EventName = "RelayMessageNotSent")]
    public static partial void RelayMessageNotSent(ILogger logger, int workerId, ClusterHost.Worker.SignalR.RelayMessageKind kind);

    [LoggerMessage(1375, LogLevel.Error, "Worker {WorkerId}: a SignalR {Kind} message from worker {Sender} could not be delivered", EventName = "RelayMessageFailed")]
    public static partial void RelayMessageFailed(ILogger logger, int workerId, ClusterHost.Worker.SignalR.RelayMessageKind kind, int sender, Exception exception);

    [LoggerMessage(1376, LogLevel.Warning, "Worker {WorkerId}: a client result came back in protocol '{Protocol}', which this app does not register", EventName = "RelayUnknownProtocol")]
    public static partial void RelayUnknownProtocol(ILogger logger, int workerId, string protocol);

    [LoggerMessage(1377, LogLevel.Information, "Worker {WorkerId}: SignalR hubs use the cluster's relay, so messages reach the clients of every worker", EventName = "RelayInUse")]
    public static partial void RelayInUse(ILogger logger, int workerId);

    [LoggerMessage(1378, LogLevel.Information, "Worker {WorkerId}: the app registered its own SignalR hub lifetime manager ({Manager}); it is kept, and the cluster's relay is not used", EventName = "OwnHubLifetimeManager")]
    public static partial void OwnHubLifetimeManager(ILogger logger, int workerId, string manager);

    [LoggerMessage(1420, LogLevel.Information, "Worker {WorkerId}: the app's prometheus-net metrics route answers with every worker's registry, merged with the worker label", EventName = "AppMetricsRouteMerged")]
    public static partial void AppMetricsRouteMerged(ILogger logger, int workerId);

    [LoggerMessage(1421, LogLevel.Warning, "Worker {WorkerId}: the app's metrics route answered 503: {Reason}", EventName = "ClusterMetricsUnavailable")]
    public static partial void ClusterMetricsUnavailable(ILogger logger, int workerId, string reason);
}
