using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace SampleApp.Platform;

[SupportedOSPlatform("linux")]
internal static partial class Interop
{
    /// <summary>clock_gettime(2)'s clock of the calling thread's CPU time.</summary>
    internal const int CLOCK_THREAD_CPUTIME_ID = 3;

    /// <summary>struct timespec on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>clock_gettime(2): reads <paramref name="clockId"/>; 0 on success.</summary>
    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    internal static partial int ClockGetTime(int clockId, out Timespec time);
}
