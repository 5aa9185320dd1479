using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace ClusterHost.Platform;

/// <summary>
/// Passes one socket descriptor with a small message over a Unix domain socket (sendmsg/recvmsg
/// with SCM_RIGHTS ancillary data), which .NET has no managed API for. The receiver gets its own
/// descriptor for the same open socket; the sender's stays open until it closes it.
/// </summary>
/// <remarks>
/// Meant for SOCK_SEQPACKET sockets: every message arrives whole, with its descriptor, so a
/// message and its descriptor never come apart. Both calls retry on EINTR.
/// </remarks>
[SupportedOSPlatform("linux")]
internal static unsafe class ScmRights
{
    // CMSG_SPACE(sizeof(int)) on LP64: a 16-byte header and the int, padded to 8.
    private const int ControlSpace = 24;
    private const int ControlLength = 20; // CMSG_LEN(sizeof(int))

    /// <summary>
    /// Sends <paramref name="payload"/> and a duplicate of <paramref name="descriptor"/> without
    /// blocking (MSG_DONTWAIT) and without SIGPIPE.
    /// </summary>
    /// <exception cref="SocketException">An error other than a full or closed peer or the kernel's lack of resources.</exception>
    public static ScmSendResult Send(SafeHandle channel, ReadOnlySpan<byte> payload, SafeHandle descriptor)
    {
        var added = false;
        descriptor.DangerousAddRef(ref added);
        try
        {
            var fd = (int)descriptor.DangerousGetHandle();
            var control = stackalloc byte[ControlSpace];
            new Span<byte>(control, ControlSpace).Clear();
            var header = (Interop.ControlMessageHeader*)control;
            header->Length = ControlLength;
            header->Level = Interop.SOL_SOCKET;
            header->Type = Interop.SCM_RIGHTS;
            *(int*)(control + sizeof(Interop.ControlMessageHeader)) = fd;

            fixed (byte* data = payload)
            {
                var iov = new Interop.IoVec { Base = data, Length = (nuint)payload.Length };
                var message = new Interop.MessageHeader { Iov = &iov, IovLength = 1, Control = control, ControlLength = ControlSpace };
                while (true)
                {
                    if (Interop.SendMsg(channel, &message, Interop.MSG_DONTWAIT | Interop.MSG_NOSIGNAL) >= 0)
                    {
                        return ScmSendResult.Sent;
                    }
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != Interop.EINTR)
                    {
                        return SendResultOf(errno) ?? throw new SocketException(errno);
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                descriptor.DangerousRelease();
            }
        }
    }

    /// <summary>What a failed send's <paramref name="errno"/> means; null for an error none of <see cref="ScmSendResult"/> covers.</summary>
    public static ScmSendResult? SendResultOf(int errno) => errno switch
    {
        Interop.EAGAIN => ScmSendResult.WouldBlock,
        Interop.EPIPE or Interop.ECONNRESET or Interop.ENOTCONN => ScmSendResult.Closed,
        Interop.ENOBUFS or Interop.ENOMEM or Interop.ETOOMANYREFS => ScmSendResult.NoResources,
        _ => null,
    };

    /// <summary>
    /// Blocks for the next message: its length (0 once the peer has closed) and the descriptor it
    /// carried, if any, opened close-on-exec (MSG_CMSG_CLOEXEC) and owned by the caller.
    /// </summary>
    /// <exception cref="SocketException">The receive failed.</exception>
    public static int Receive(SafeHandle channel, Span<byte> payload, out SafeSocketHandle? descriptor)
    {
        descriptor = null;
        var control = stackalloc byte[ControlSpace * 2];
        fixed (byte* data = payload)
        {
            var iov = new Interop.IoVec { Base = data, Length = (nuint)payload.Length };
            nint received;
            Interop.MessageHeader message;
            while (true)
            {
                new Span<byte>(control, ControlSpace * 2).Clear();
                message = new Interop.MessageHeader { Iov = &iov, IovLength = 1, Control = control, ControlLength = ControlSpace * 2 };
                received = Interop.RecvMsg(channel, &message, Interop.MSG_CMSG_CLOEXEC);
                if (received >= 0)
                {
                    break;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Interop.EINTR)
                {
                    continue;
                }
                if (errno is Interop.ECONNRESET or Interop.ENOTCONN)
                {
                    return 0;
                }
                throw new SocketException(errno);
            }

            // Take every descriptor that arrived, so none leaks; keep the first.
            var offset = 0;
            while (offset + sizeof(Interop.ControlMessageHeader) <= (int)message.ControlLength)
            {
                var header = (Interop.ControlMessageHeader*)(control + offset);
                if (header->Length < (nuint)sizeof(Interop.ControlMessageHeader))
                {
                    break;
                }
                if (header->Level == Interop.SOL_SOCKET && header->Type == Interop.SCM_RIGHTS)
                {
                    var count = ((int)header->Length - sizeof(Interop.ControlMessageHeader)) / sizeof(int);
                    var fds = (int*)(control + offset + sizeof(Interop.ControlMessageHeader));
                    for (var i = 0; i < count; i++)
                    {
                        if (descriptor is null)
                        {
                            descriptor = new SafeSocketHandle(fds[i], ownsHandle: true);
                        }
                        else
                        {
                            Interop.Close(fds[i]);
                        }
                    }
                }
                offset += ((int)header->Length + 7) & ~7;
            }
            return (int)received;
        }
    }
}
