using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace ClusterHost.Primary.Platform;

/// <summary>
/// The FD_CLOEXEC flag of a file descriptor: set, the descriptor is closed when the process execs
/// a child; clear, the child inherits it at the same number. .NET opens every socket with it set.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class CloseOnExec
{
    /// <summary>True when <paramref name="fd"/> is closed on exec.</summary>
    /// <exception cref="Win32Exception">fcntl failed (not an open descriptor).</exception>
    public static bool IsSet(int fd)
    {
        var flags = Interop.Fcntl(fd, Interop.F_GETFD, 0);
        return flags == -1 ? throw new Win32Exception(Marshal.GetLastPInvokeError()) : (flags & Interop.FD_CLOEXEC) != 0;
    }

    /// <summary>Sets or clears FD_CLOEXEC on <paramref name="fd"/>.</summary>
    /// <exception cref="Win32Exception">fcntl failed (not an open descriptor).</exception>
    public static void Set(int fd, bool closeOnExec)
    {
        var flags = Interop.Fcntl(fd, Interop.F_GETFD, 0);
        if (flags == -1
            || Interop.Fcntl(fd, Interop.F_SETFD, closeOnExec ? flags | Interop.FD_CLOEXEC : flags & ~Interop.FD_CLOEXEC) == -1)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError());
        }
    }
}
