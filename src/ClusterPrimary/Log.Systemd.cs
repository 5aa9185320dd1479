using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

// systemd: notifications, watchdog, socket activation: event ids 600-649 (the registry is in Log.cs).
internal static partial class Log
{
    [LoggerMessage(600, LogLevel.Information, "Serving the {Count} socket(s) systemd passed (LISTEN_FDS): {Urls}; --urls is not bound", EventName = "ServingActivatedSockets")]
    public static partial void ServingActivatedSockets(ILogger logger, int count, string urls);

    [LoggerMessage(601, LogLevel.Information, "Reporting readiness and status to the service manager (NOTIFY_SOCKET){Watchdog}", EventName = "NotifyingServiceManager")]
    public static partial void NotifyingServiceManager(ILogger logger, string watchdog);

    [LoggerMessage(602, LogLevel.Warning, "Could not notify the service manager: {Reason}; the cluster serves on (further failures are not logged)", EventName = "NotifyFailed")]
    public static partial void NotifyFailed(ILogger logger, string reason);

    [LoggerMessage(603, LogLevel.Error, "The worker watch last ran {Elapsed} ago: no watchdog ping until it runs again, so systemd restarts a wedged primary", EventName = "WatchdogWithheld")]
    public static partial void WatchdogWithheld(ILogger logger, TimeSpan elapsed);
}
