using System.Globalization;

namespace ClusterHost.Primary.Platform;

/// <summary>
/// How long a process's main thread has waited for a CPU while runnable, from
/// /proc/PID/schedstat (its second field, nanoseconds). On a loaded machine, or with more workers
/// starting than cores, this is the part of a slow start that is not the process's own doing.
/// </summary>
internal static class ProcessRunQueueWait
{
    /// <summary>The main thread's run-queue wait so far, or null if the process is gone or the kernel keeps no schedstat.</summary>
    public static TimeSpan? Read(int pid)
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{pid}/schedstat").Split(' ');
            return TimeSpan.FromTicks(long.Parse(fields[1], CultureInfo.InvariantCulture) / 100);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or OverflowException)
        {
            return null;
        }
    }
}
