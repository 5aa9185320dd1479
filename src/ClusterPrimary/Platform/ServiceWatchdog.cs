using System.Globalization;

namespace ClusterHost.Primary.Platform;

/// <summary>
/// systemd's watchdog for this process (<c>WatchdogSec=</c>, as <c>sd_watchdog_enabled</c> reads
/// it): <c>WATCHDOG_USEC</c> microseconds, meant for this process when <c>WATCHDOG_PID</c> is its
/// pid or unset. Without a WATCHDOG=1 ping within the interval, systemd kills and restarts the service.
/// </summary>
internal sealed record ServiceWatchdog
{
    public const string WatchdogUsec = "WATCHDOG_USEC";
    public const string WatchdogPid = "WATCHDOG_PID";

    /// <summary>The interval within which a ping must arrive; null when no watchdog is set for this process.</summary>
    public TimeSpan? Interval { get; init; }

    public static ServiceWatchdog None { get; } = new();

    /// <summary>The watchdog of this process, from its environment.</summary>
    public static ServiceWatchdog FromEnvironment() => Read(Environment.GetEnvironmentVariable, Environment.ProcessId);

    /// <summary>The watchdog set for process <paramref name="pid"/>; <see cref="None"/> when unset, malformed, 0 or meant for another process.</summary>
    public static ServiceWatchdog Read(Func<string, string?> getVariable, int pid)
    {
        if (!long.TryParse(getVariable(WatchdogUsec), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec <= 0)
        {
            return None;
        }
        var forPid = getVariable(WatchdogPid);
        if (!string.IsNullOrEmpty(forPid)
            && (!int.TryParse(forPid, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed != pid))
        {
            return None;
        }
        return new ServiceWatchdog { Interval = TimeSpan.FromMicroseconds(usec) };
    }
}
