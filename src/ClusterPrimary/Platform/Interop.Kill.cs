using System.Runtime.InteropServices;

namespace ClusterHost.Primary.Platform;

internal static partial class Interop
{
    public const int SIGSTOP = 19;

    /// <summary>kill(2): sends <paramref name="signal"/> to <paramref name="pid"/>; 0 on success.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
