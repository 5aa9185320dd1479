using ClusterHost.SignalR;
using ClusterHost.Worker.Internal;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ClusterHost.Worker.SignalR;

/// <summary>
/// Makes Kestrel listen on this launch's affinity socket (<see cref="AffinitySockets"/>), where
/// the other workers forward the SignalR requests of connections this launch owns. HTTP/1.1: a
/// WebSocket arrives as an upgrade. Its connections are tracked and drained like the public ones.
/// </summary>
internal sealed class AffinityListener(ConnectionAffinity affinity, ConnectionTracker connections) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        var path = affinity.SocketPath;
        // Never there in practice (one name per launch); a leftover would fail the bind.
        File.Delete(path);
        options.ListenUnixSocket(path, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(connections.Track);
            listen.Use(next => connection =>
            {
                connection.Features.Set(ForwardedConnectionFeature.Instance);
                return next(connection);
            });
        });
    }
}
