using System.Net.Sockets;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// The listening sockets the worker bound for the primary's endpoints (Kestrel's
/// <c>CreateBoundListenSocket</c> hands them over). Closing one is Kestrel's own unbind, seen from
/// its accept loop, without its next step, closing the connections.
/// </summary>
internal sealed class WorkerListenSockets
{
    private readonly List<IDisposable> _sockets = [];
    private readonly Lock _gate = new();

    public Socket Add(Socket socket)
    {
        Add((IDisposable)socket);
        return socket;
    }

    /// <summary>A listener that is not a socket (the handoff receiver): disposing it stops taking connections.</summary>
    public void Add(IDisposable listener)
    {
        lock (_gate)
        {
            _sockets.Add(listener);
        }
    }

    /// <summary>
    /// Stops taking new connections at once. A SO_REUSEPORT listener's queued connections move to
    /// the other workers' listeners (net.ipv4.tcp_migrate_req, which the primary enables); Kestrel's
    /// accept loop ends as on unbind.
    /// </summary>
    public int CloseAll()
    {
        IDisposable[] sockets;
        lock (_gate)
        {
            sockets = [.. _sockets];
            _sockets.Clear();
        }
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }
        return sockets.Length;
    }
}
