using System.Globalization;

namespace ClusterHost.Primary.Platform;

/// <summary>CPU time a process has used, from /proc/PID/stat.</summary>
internal static class ProcessCpuTime
{
    // USER_HZ: the unit of /proc's times, 100 on every Linux ABI.
    private const double TicksPerSecond = 100;

    /// <summary>User plus system time of <paramref name="pid"/> so far, or null if it is gone.</summary>
    public static TimeSpan? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // After "(comm) ", fields start at 3 (state); utime and stime are fields 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
