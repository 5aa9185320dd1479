using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using ClusterHost.Control;
using ClusterHost.Platform;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace ClusterHost.Worker.Internal;

/// <summary>Binds Kestrel where the primary directs, replacing the app's own endpoints.</summary>
[SupportedOSPlatform("linux")]
internal static class WorkerListener
{
    /// <remarks>
    /// Every connection on these endpoints is tracked (<paramref name="connections"/>) and every
    /// listening socket kept (<paramref name="listeners"/>), for <see cref="WorkerDrain"/>.
    /// </remarks>
    public static void Configure(
        IWebHostBuilder builder, WorkerEnvironment environment, PrimaryConnection connection,
        ConnectionTracker connections, WorkerListenSockets listeners)
    {
        builder.ConfigureKestrel(kestrel =>
        {
            if (environment.ListenMode == WorkerListenModes.Unix)
            {
                kestrel.ListenUnixSocket(environment.UnixSocketPath!, listen => listen.Use(connections.Track));
                return;
            }
            foreach (var endpoint in environment.Endpoints)
            {
                kestrel.Listen(endpoint, listen => listen.Use(connections.Track));
            }
        });

        var reusePort = environment.ListenMode is WorkerListenModes.ReusePort or WorkerListenModes.Tcp;
        builder.UseSockets(sockets => sockets.CreateBoundListenSocket = endpoint =>
        {
            if (!reusePort || endpoint is not IPEndPoint ip)
            {
                return listeners.Add(SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint));
            }
            try
            {
                return listeners.Add(ReusePortSocket.Bind(ip));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                // Another program holds the port without SO_REUSEPORT: restarting cannot fix it.
                connection.ReportFatal(ControlErrors.AddressInUse, $"{ip}: {e.Message}");
                throw;
            }
        });
    }
}
