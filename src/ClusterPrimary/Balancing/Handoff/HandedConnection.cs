using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ClusterHost.Primary.Balancing.Handoff;

/// <summary>
/// A connection the primary accepted on a public endpoint, to be handed to a worker. The
/// primary keeps its own descriptor until a worker acknowledges it, so a connection the worker
/// never took (it died, or was draining) can go to another worker, unread.
/// </summary>
internal sealed class HandedConnection(Socket socket, int endpointIndex)
{
    // A send holds a reference on the socket's handle until sendmsg returns; the worker can
    // acknowledge before that, and a Dispose that finds the handle still referenced "unblocks" it
    // with connect(AF_UNSPEC), which resets the connection under the worker. So the close waits.
    private readonly Lock _gate = new();

    public Socket Socket { get; } = socket;

    /// <summary>Index of the public endpoint it arrived on, as the workers list them.</summary>
    public int EndpointIndex { get; } = endpointIndex;

    /// <summary>The slot it was last handed to and that did not take it; null while it was never handed.</summary>
    public int? ReturnedBy { get; set; }

    /// <summary>Sends the descriptor with <paramref name="send"/>; <see cref="Release"/> waits for it to return.</summary>
    public T Send<T>(Func<SafeHandle, T> send)
    {
        lock (_gate)
        {
            return send(Socket.SafeHandle);
        }
    }

    /// <summary>
    /// Closes the primary's descriptor; the connection lives on in the worker that took it
    /// (Socket.Dispose of a socket with no operation pending is a plain close(2)).
    /// </summary>
    public void Release()
    {
        lock (_gate)
        {
            Socket.Dispose();
        }
    }
}
