using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

// SignalR connection-token affinity: event ids 1300-1349 (the registry is in Log.cs).
internal static partial class Log
{
    [LoggerMessage(1320, LogLevel.Debug, "SignalR affinity: workers listen for forwarded requests in {Directory}", EventName = "AffinityDirectoryCreated")]
    public static partial void AffinityDirectoryCreated(ILogger logger, string directory);
}
