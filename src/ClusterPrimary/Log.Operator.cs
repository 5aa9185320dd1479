using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

/// <summary>The operator's control socket, the status sampler and page: event ids 800-849.</summary>
internal static partial class Log
{
    [LoggerMessage(800, LogLevel.Information, "Control socket at {Path} (clusterhost status|reload|scale|stop)", EventName = "OperatorListening")]
    public static partial void OperatorListening(ILogger logger, string path);

    [LoggerMessage(801, LogLevel.Warning, "Control socket: refused pid {Pid}, uid {Uid}: only uid {OwnUid} and root may connect", EventName = "OperatorRefused")]
    public static partial void OperatorRefused(ILogger logger, int pid, string uid, uint ownUid);

    [LoggerMessage(802, LogLevel.Information, "Control socket: {Request} from pid {Pid}", EventName = "OperatorRequest")]
    public static partial void OperatorRequest(ILogger logger, string request, int pid);

    [LoggerMessage(805, LogLevel.Warning, "Control socket {Path} is held by another primary of this app and directory; this one runs without a control socket (give it its own --control-socket PATH)", EventName = "OperatorSocketTaken")]
    public static partial void OperatorSocketTaken(ILogger logger, string path);

    [LoggerMessage(803, LogLevel.Warning, "Control socket: the connection from pid {Pid} failed", EventName = "OperatorConnectionFailed")]
    public static partial void OperatorConnectionFailed(ILogger logger, int pid, Exception exception);

    [LoggerMessage(804, LogLevel.Warning, "Status sampling failed; the next round runs as usual", EventName = "StatusSampleFailed")]
    public static partial void StatusSampleFailed(ILogger logger, Exception exception);
}
