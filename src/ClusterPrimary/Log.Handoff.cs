using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

// --mode handoff: event ids 900-949 (the registry is in Log.cs).
internal static partial class Log
{
    [LoggerMessage(900, LogLevel.Debug, "Worker {WorkerId} (launch {Generation}) opened its handoff socket", EventName = "HandoffChannelAttached")]
    public static partial void HandoffChannelAttached(ILogger logger, int workerId, long generation);

    [LoggerMessage(901, LogLevel.Warning, "Closed a connection to the handoff socket from pid {Pid}: {Reason}", EventName = "HandoffChannelRejected")]
    public static partial void HandoffChannelRejected(ILogger logger, int pid, string reason);

    [LoggerMessage(902, LogLevel.Warning, "Worker {WorkerId} left with {Count} handed connection(s) it never took; handing them to other workers, unread", EventName = "HandoffRerouting")]
    public static partial void HandoffRerouting(ILogger logger, int workerId, int count);

    [LoggerMessage(903, LogLevel.Warning, "{Count} accepted connection(s) no worker took before shutdown were closed unread", EventName = "HandoffClosedUnread")]
    public static partial void HandoffClosedUnread(ILogger logger, int count);

    [LoggerMessage(904, LogLevel.Debug, "Accepting a connection failed ({Error}); accepting the next", EventName = "HandoffAcceptFailed")]
    public static partial void HandoffAcceptFailed(ILogger logger, SocketError error);

    [LoggerMessage(905, LogLevel.Warning, "Could not hand a connection to worker {WorkerId}: the kernel has no memory for it (ENOBUFS, ENOMEM or ETOOMANYREFS); connections wait and are offered again every {RetryAfter} until a hand-over succeeds", EventName = "HandoffSendNoResources")]
    public static partial void HandoffSendNoResources(ILogger logger, int workerId, TimeSpan retryAfter);
}
