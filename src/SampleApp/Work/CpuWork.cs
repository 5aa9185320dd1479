using System.Diagnostics;
using SampleApp.Platform;

namespace SampleApp.Work;

/// <summary>
/// Spends a given amount of the calling thread's CPU time: a fixed amount of work, so that a
/// request costs the same however busy the machine is (its latency then grows with the wait for a
/// core, as real work does). A wall-clock spin would do less work when the thread is preempted.
/// </summary>
internal static class CpuWork
{
    /// <summary>Spins until this thread has used <paramref name="microseconds"/> of CPU time.</summary>
    public static void Spend(int microseconds)
    {
        if (microseconds <= 0)
        {
            return;
        }
        if (!OperatingSystem.IsLinux())
        {
            // No thread CPU clock read here: a wall-clock spin.
            var stopwatch = Stopwatch.StartNew();
            while (stopwatch.Elapsed.TotalMicroseconds < microseconds)
            {
                Churn();
            }
            return;
        }
        var end = ThreadCpuNanoseconds() + microseconds * 1000L;
        while (ThreadCpuNanoseconds() < end)
        {
            Churn();
        }
    }

    private static long ThreadCpuNanoseconds()
    {
        if (!OperatingSystem.IsLinux() || Interop.ClockGetTime(Interop.CLOCK_THREAD_CPUTIME_ID, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }
        return time.Seconds * 1_000_000_000L + time.Nanoseconds;
    }

    // About a microsecond of arithmetic between two reads of the clock (each read is a system call).
    private static void Churn()
    {
        var x = (uint)Environment.CurrentManagedThreadId | 1;
        for (var i = 0; i < 256; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
        }
        Sink = x;
    }

    // Keeps the JIT from removing the loop.
    private static uint Sink { get; set; }
}
