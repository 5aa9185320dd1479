using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// Kestrel's socket transport for the endpoints the primary gave (reuseport, shared, behind the
/// proxy), with each connection counted by <see cref="ConnectionTracker"/> the moment it is
/// accepted, before its connection middleware runs on the thread pool, and each pending accept
/// counted until it returns. So a drain that closes the listeners waits for a connection accepted
/// just before, instead of leaving it to Kestrel's stop, which would close it unread. Every other
/// endpoint (one the app added itself) is bound by the socket transport as it is.
/// </summary>
internal sealed class TrackedSocketListenerFactory(
    SocketTransportFactory sockets, ConnectionTracker connections, Func<EndPoint, bool> isPrimaryEndPoint)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => sockets.CanBind(endpoint);

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var listener = await sockets.BindAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return isPrimaryEndPoint(endpoint) ? new TrackedSocketListener(listener, connections) : listener;
    }

    /// <summary>True for the endpoints of <paramref name="environment"/>: the public ones, the private ones behind the proxy, the inherited sockets.</summary>
    public static bool IsPrimaryEndPoint(WorkerEnvironment environment, EndPoint endpoint) => endpoint switch
    {
        IPEndPoint ip => environment.Endpoints.Contains(ip) || environment.Http2Listen == ip.ToString(),
        UnixDomainSocketEndPoint unix => unix.ToString() is { } path && (path == environment.UnixSocketPath || path == environment.Http2Listen),
        FileHandleEndPoint handle => environment.InheritedDescriptors.Contains((int)handle.FileHandle),
        _ => false,
    };
}
