using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

/// <summary>SignalR: connection-token affinity 1300-1349, the relay 1350-1369 (the worker's side has 1300-1349 and 1370-1399); the registry is in Log.cs.</summary>
internal static partial class Log
{
    [LoggerMessage(1320, LogLevel.Debug, "SignalR affinity: workers listen for forwarded requests in {Directory}", EventName = "AffinityDirectoryCreated")]
    public static partial void AffinityDirectoryCreated(ILogger logger, string directory);

    [LoggerMessage(1350, LogLevel.Information, "Worker {WorkerId} (pid {Pid}) joined the SignalR relay", EventName = "RelayJoined")]
    public static partial void RelayJoined(ILogger logger, int workerId, int pid);

    [LoggerMessage(1351, LogLevel.Information, "Worker {WorkerId} left the SignalR relay", EventName = "RelayLeft")]
    public static partial void RelayLeft(ILogger logger, int workerId);

    [LoggerMessage(1352, LogLevel.Warning, "Worker {WorkerId} dropped from the SignalR relay: {Frames} message(s), {Bytes} bytes waited for it (limits {MaxFrames} messages, {MaxBytes} bytes); they are lost for its clients, and it rejoins when it reconnects", EventName = "RelayWorkerDropped")]
    public static partial void RelayWorkerDropped(ILogger logger, int workerId, int frames, long bytes, int maxFrames, long maxBytes);

    [LoggerMessage(1353, LogLevel.Warning, "Rejected a SignalR relay connection from pid {Pid}: {Reason}", EventName = "RelayRejected")]
    public static partial void RelayRejected(ILogger logger, int pid, string reason);

    [LoggerMessage(1354, LogLevel.Debug, "The SignalR relay connection of worker {WorkerId} ended", EventName = "RelayConnectionFailed")]
    public static partial void RelayConnectionFailed(ILogger logger, int workerId, Exception exception);
}
