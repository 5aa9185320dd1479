using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace ClusterHost.LoadTests.Platform;

internal static partial class Interop
{
    internal const int CLOCK_MONOTONIC = 1;

    /// <summary>struct timespec on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>
    /// clock_nanosleep(2), relative: sleeps for <paramref name="duration"/> on
    /// <paramref name="clockId"/>, to within the kernel's timer slack (50 µs by default), where
    /// Thread.Sleep and Task.Delay count whole milliseconds. Returns 0, or an errno (EINTR: woken early).
    /// </summary>
    [SupportedOSPlatform("linux")]
    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    internal static partial int ClockNanosleep(int clockId, int flags, in Timespec duration, IntPtr remaining);
}
