using System.Net;
using System.Net.Sockets;

namespace ClusterHost.Primary.Tests.TestUtilities;

/// <summary>Another program's listener on a loopback port: what makes a bind fail with "in use".</summary>
internal sealed class PortSquatter : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public PortSquatter()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.Listen();
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    /// <summary>The port taken, on 127.0.0.1.</summary>
    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
