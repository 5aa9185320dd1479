using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace ClusterHost.LoadTests.Platform;

[SupportedOSPlatform("linux")]
internal static partial class Interop
{
    /// <summary>kill(2): sends <paramref name="signal"/> to <paramref name="pid"/>; 0 on success.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    internal const int SIGTERM = 15;
}
