using System.Net.Sockets;

namespace ClusterHost.Primary.Balancing.Handoff;

/// <summary>
/// A connection the primary accepted on a public endpoint, to be handed to a worker. The
/// primary keeps its own descriptor until a worker acknowledges it, so a connection the worker
/// never took (it died, or was draining) can go to another worker, unread.
/// </summary>
internal sealed class HandedConnection(Socket socket, int endpointIndex)
{
    public Socket Socket { get; } = socket;

    /// <summary>Index of the public endpoint it arrived on, as the workers list them.</summary>
    public int EndpointIndex { get; } = endpointIndex;

    /// <summary>The slot it was last handed to and that did not take it; null while it was never handed.</summary>
    public int? ReturnedBy { get; set; }

    /// <summary>Closes the primary's descriptor; the connection lives on in the worker that took it (Socket.Dispose with no operation pending is a plain close(2)).</summary>
    public void Release() => Socket.Dispose();
}
