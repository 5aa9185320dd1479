using System.Runtime.InteropServices;

namespace ClusterHost.Platform;

internal static partial class Interop
{
    public const int SOL_SOCKET = 1;
    public const int SCM_RIGHTS = 1;
    public const int MSG_CTRUNC = 0x8;
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int MSG_CMSG_CLOEXEC = 0x40000000;

    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EPIPE = 32;
    public const int ECONNRESET = 104;
    public const int ENOBUFS = 105;
    public const int ENOTCONN = 107;
    public const int ETOOMANYREFS = 109;

    /// <summary>struct iovec (LP64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (LP64: the int fields are padded to 8 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct cmsghdr (LP64); the data follows, aligned to 8 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ControlMessageHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    /// <summary>sendmsg(2): bytes sent, or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static unsafe partial nint SendMsg(SafeHandle socket, MessageHeader* message, int flags);
}
