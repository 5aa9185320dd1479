using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

// No probe noise, the app's /metrics route (issue 14): event ids 1400-1449 (the registry is in Log.cs).
internal static partial class Log
{
    [LoggerMessage(1400, LogLevel.Warning, "Proxy: worker {WorkerId} ({DestinationId}) silent for {Silence}; no new requests until it is heard from again", EventName = "ProxyWorkerSilent")]
    public static partial void WorkerSilent(ILogger logger, int workerId, string destinationId, TimeSpan silence);

    [LoggerMessage(1401, LogLevel.Information, "Proxy: worker {WorkerId} ({DestinationId}) heard from again; back in rotation", EventName = "ProxyWorkerHeardAgain")]
    public static partial void WorkerHeardAgain(ILogger logger, int workerId, string destinationId);

    [LoggerMessage(1402, LogLevel.Error, "Proxy: checking the workers' heartbeats failed", EventName = "ProxySilenceCheckFailed")]
    public static partial void SilenceCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(1410, LogLevel.Debug, "The app's metrics route: {Answered} of {Workers} workers' prometheus-net registries merged, {Bytes} bytes in {ElapsedMs} ms", EventName = "AppRegistryMerged")]
    public static partial void AppRegistryMerged(ILogger logger, int answered, int workers, int bytes, long elapsedMs);

    [LoggerMessage(1411, LogLevel.Warning, "The app's metrics route: the cluster's prometheus-net registries could not be merged for worker {Pid}", EventName = "AppRegistryMergeFailed")]
    public static partial void AppRegistryMergeFailed(ILogger logger, int pid, Exception exception);
}
