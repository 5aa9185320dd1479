using System.Runtime.InteropServices;

namespace ClusterHost.Platform;

internal static partial class Interop
{
    /// <summary>recvmsg(2): bytes received (0 at end of stream), or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    public static unsafe partial nint RecvMsg(SafeHandle socket, MessageHeader* message, int flags);
}
