using System.Net.Sockets;
using System.Runtime.Versioning;

namespace ClusterHost.Primary.Platform;

/// <summary>The process at the other end of a Unix domain socket, from SO_PEERCRED.</summary>
[SupportedOSPlatform("linux")]
internal static class PeerCredentials
{
    private const int SolSocket = 1;  // SOL_SOCKET
    private const int SoPeerCred = 17; // SO_PEERCRED: struct ucred { pid_t pid; uid_t uid; gid_t gid; }

    /// <summary>The peer's effective uid when it connected, or null if the kernel would not say.</summary>
    public static uint? GetPeerUid(Socket socket)
    {
        Span<byte> ucred = stackalloc byte[12];
        try
        {
            return socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred) >= 8 ? BitConverter.ToUInt32(ucred[4..]) : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>The peer's pid, or null if the kernel would not say.</summary>
    public static int? GetPeerPid(Socket socket) => Get(socket)?.Pid;

    /// <summary>The peer's pid and user id (as of its connect), or null if the kernel would not say.</summary>
    public static (int Pid, uint Uid)? Get(Socket socket)
    {
        Span<byte> ucred = stackalloc byte[12];
        try
        {
            return socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred) >= 8
                ? (BitConverter.ToInt32(ucred), BitConverter.ToUInt32(ucred[4..]))
                : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
