using System.Net;
using System.Net.Sockets;

namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>
/// A loopback TCP port held by "another program": bound and listening until disposed, so that a
/// primary told to use it finds it in use.
/// </summary>
internal sealed class OccupiedPort : IDisposable
{
    private readonly Socket _socket;

    public OccupiedPort()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _socket.Listen();
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:PORT</c>, as <c>--urls</c> and <c>--metrics-urls</c> take it.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    public void Dispose() => _socket.Dispose();
}
