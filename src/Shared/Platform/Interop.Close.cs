using System.Runtime.InteropServices;

namespace ClusterHost.Platform;

internal static partial class Interop
{
    /// <summary>close(2).</summary>
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
