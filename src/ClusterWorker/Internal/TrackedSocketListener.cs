using System.Net;
using Microsoft.AspNetCore.Connections;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// One of Kestrel's socket listeners on an endpoint the primary gave
/// (<see cref="TrackedSocketListenerFactory"/>): each accepted connection is counted by
/// <see cref="ConnectionTracker"/> before Kestrel dispatches it, and each pending accept until it returns.
/// </summary>
internal sealed class TrackedSocketListener(IConnectionListener inner, ConnectionTracker connections) : IConnectionListener
{
    public EndPoint EndPoint => inner.EndPoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        connections.AcceptStarting();
        try
        {
            var connection = await inner.AcceptAsync(cancellationToken).ConfigureAwait(false);
            if (connection is not null)
            {
                connections.Accepted(connection);
            }
            return connection;
        }
        finally
        {
            connections.AcceptEnded();
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => inner.UnbindAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
