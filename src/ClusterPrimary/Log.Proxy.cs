using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

// Balancing, proxy mode: event ids 200-299 (the registry is in Log.cs).
internal static partial class Log
{
    [LoggerMessage(200, LogLevel.Information, "Proxy on {Urls}: {Policy} across workers on {Workers}", EventName = "ProxyListening")]
    public static partial void ProxyListening(ILogger logger, string urls, string policy, string workers);

    [LoggerMessage(201, LogLevel.Information, "Proxy: worker {WorkerId} in rotation as {DestinationId} ({Address})", EventName = "ProxyDestinationAdded")]
    public static partial void DestinationAdded(ILogger logger, int workerId, string destinationId, string address);

    [LoggerMessage(202, LogLevel.Information, "Proxy: worker {WorkerId} ({DestinationId}) out of rotation", EventName = "ProxyDestinationRemoved")]
    public static partial void DestinationRemoved(ILogger logger, int workerId, string destinationId);

    [LoggerMessage(203, LogLevel.Warning, "Proxy: {DestinationId} refused a connection; out of rotation for {Period}", EventName = "ProxyDestinationRefused")]
    public static partial void DestinationRefused(ILogger logger, string destinationId, TimeSpan period);

    [LoggerMessage(204, LogLevel.Information, "Proxy: retrying {Method} {Path} on another worker after {DestinationId} failed ({Cause})", EventName = "ProxyRetrying")]
    public static partial void RetryingRequest(ILogger logger, string method, string path, string destinationId, string cause);

    [LoggerMessage(205, LogLevel.Information, "Removed the workers' runtime directory {Path} of a primary that is gone (process {OwnerPid})", EventName = "StaleRuntimeDirectoryRemoved")]
    public static partial void StaleRuntimeDirectoryRemoved(ILogger logger, string path, int ownerPid);

    [LoggerMessage(206, LogLevel.Information, "Proxy stopped accepting; letting in-flight requests finish (timeout {Timeout})", EventName = "ProxyStopping")]
    public static partial void ProxyStopping(ILogger logger, TimeSpan timeout);

    [LoggerMessage(207, LogLevel.Information, "Proxy stopped after {Elapsed}; draining the workers", EventName = "ProxyStopped")]
    public static partial void ProxyStopped(ILogger logger, TimeSpan elapsed);

    [LoggerMessage(208, LogLevel.Warning, "Proxy metrics: {Instrument} reached {MaxSeries} series; further tag combinations are counted in one overflow series", EventName = "FrontMetricSeriesCapped")]
    public static partial void FrontMetricSeriesCapped(ILogger logger, string instrument, int maxSeries);
}
