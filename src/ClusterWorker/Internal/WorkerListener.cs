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
    public static void Configure(IWebHostBuilder builder, WorkerEnvironment environment, PrimaryConnection connection)
    {
        builder.ConfigureKestrel(kestrel =>
        {
            if (environment.ListenMode == WorkerListenModes.Unix)
            {
                kestrel.ListenUnixSocket(environment.UnixSocketPath!);
                return;
            }
            if (environment.ListenMode == WorkerListenModes.Inherited)
            {
                // The primary's listening sockets, inherited at these numbers. They stay without
                // FD_CLOEXEC: .NET then never shuts such a socket down when Kestrel closes it at
                // drain (it does to unblock a socket it owns alone), which would end the queue
                // every other worker accepts from.
                foreach (var fd in environment.InheritedDescriptors)
                {
                    kestrel.ListenHandle((ulong)fd);
                }
                return;
            }
            foreach (var endpoint in environment.Endpoints)
            {
                kestrel.Listen(endpoint);
            }
        });

        if (environment.ListenMode is not (WorkerListenModes.ReusePort or WorkerListenModes.Tcp))
        {
            return;
        }
        builder.UseSockets(sockets => sockets.CreateBoundListenSocket = endpoint =>
        {
            if (endpoint is not IPEndPoint ip)
            {
                return SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            }
            try
            {
                return ReusePortSocket.Bind(ip);
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
