using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace ClusterHost.Platform;

/// <summary>
/// TCP sockets bound with SO_REUSEPORT, so that every worker can own a listener on the same
/// port and the kernel spreads new connections across them by 4-tuple hash. Kestrel's own
/// listener sets only SO_REUSEADDR, hence this.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class ReusePortSocket
{
    private const int SolSocket = 1;   // SOL_SOCKET
    private const int SoReusePort = 15; // SO_REUSEPORT

    /// <summary>Creates a TCP socket with SO_REUSEPORT set and binds it (does not listen).</summary>
    public static Socket Bind(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            socket.Bind(endpoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
