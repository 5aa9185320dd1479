using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

// systemd: notifications, watchdog, socket activation: event ids 600-649 (the registry is in Log.cs).
internal static partial class Log
{
    [LoggerMessage(600, LogLevel.Information, "Serving the {Count} socket(s) systemd passed (LISTEN_FDS): {Urls}; --urls is not bound", EventName = "ServingActivatedSockets")]
    public static partial void ServingActivatedSockets(ILogger logger, int count, string urls);
}
