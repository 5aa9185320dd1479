using System.Runtime.InteropServices;

namespace ClusterHost.Primary.Platform;

internal static partial class Interop
{
    public const int F_GETFD = 1;
    public const int F_SETFD = 2;
    public const int FD_CLOEXEC = 1;

    /// <summary>fcntl(2) with an int argument (F_GETFD, F_SETFD): the result, or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);
}
