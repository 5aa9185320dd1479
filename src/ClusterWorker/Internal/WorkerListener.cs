using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using ClusterHost.Control;
using ClusterHost.Platform;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// Binds Kestrel where the primary directs, replacing the app's own endpoints. Every public
/// endpoint goes through <see cref="WorkerTls.ConfigurePublic"/> (TLS, HTTP versions).
/// </summary>
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
        var tls = WorkerTls.Create(environment);
        if (environment.ListenMode == WorkerListenModes.Handoff)
        {
            ConfigureHandoff(builder, environment, tls, connections, listeners);
            return;
        }
        builder.ConfigureKestrel(kestrel =>
        {
            if (environment.Http2Listen is { } http2)
            {
                Action<ListenOptions> h2 = listen =>
                {
                    listen.Use(connections.Track);
                    WorkerTls.ConfigureHttp2(listen);
                };
                if (IPEndPoint.TryParse(http2, out var http2Endpoint))
                {
                    kestrel.Listen(http2Endpoint, h2);
                }
                else
                {
                    kestrel.ListenUnixSocket(http2, h2);
                }
            }
            if (environment.ListenMode == WorkerListenModes.Unix)
            {
                kestrel.ListenUnixSocket(environment.UnixSocketPath!, listen => listen.Use(connections.Track));
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
                    var https = environment.IsHttps(InheritedLocalEndPoint(fd));
                    kestrel.ListenHandle((ulong)fd, listen =>
                    {
                        listen.Use(connections.Track);
                        tls.ConfigurePublic(listen, https);
                    });
                }
                return;
            }
            if (environment.ListenMode == WorkerListenModes.Tcp)
            {
                // Private, behind the proxy: HTTP/1.1 as Kestrel defaults on cleartext.
                foreach (var endpoint in environment.Endpoints)
                {
                    kestrel.Listen(endpoint, listen => listen.Use(connections.Track));
                }
                return;
            }
            foreach (var endpoint in environment.Endpoints)
            {
                kestrel.Listen(endpoint, listen =>
                {
                    listen.Use(connections.Track);
                    tls.ConfigurePublic(listen, environment.IsHttps(endpoint));
                });
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
        // After UseSockets, so that Kestrel binds through it (the last factory that can bind wins):
        // connections on the primary's endpoints are counted at accept (TrackedSocketListenerFactory).
        builder.ConfigureServices(services => services.AddSingleton<IConnectionListenerFactory>(sp => new TrackedSocketListenerFactory(
            new SocketTransportFactory(sp.GetRequiredService<IOptions<SocketTransportOptions>>(), sp.GetRequiredService<ILoggerFactory>()),
            connections,
            endpoint => TrackedSocketListenerFactory.IsPrimaryEndPoint(environment, endpoint))));
    }

    /// <summary>
    /// <c>--mode handoff</c>: Kestrel takes the connections the primary hands this worker, one
    /// listener per public endpoint through <see cref="HandoffListenerFactory"/>; TLS and HTTP
    /// versions as in the modes where the worker accepts itself. The receiver connects now, before
    /// the host starts, so the primary can hand connections as soon as the worker reports ready.
    /// </summary>
    private static void ConfigureHandoff(
        IWebHostBuilder builder, WorkerEnvironment environment, WorkerTls tls, ConnectionTracker connections, WorkerListenSockets listeners)
    {
        var receiver = HandoffReceiver.Connect(environment.Handoff!);
        listeners.Add(new HandoffStop(receiver));
        builder.ConfigureKestrel(kestrel =>
        {
            for (var i = 0; i < environment.Endpoints.Count; i++)
            {
                var endpoint = environment.Endpoints[i];
                kestrel.Listen(new HandoffEndPoint(i, endpoint), listen =>
                {
                    listen.Use(connections.Track);
                    tls.ConfigurePublic(listen, environment.IsHttps(endpoint));
                });
            }
        });
        builder.UseSockets();
        // After UseSockets, whose TryAdd would otherwise see this factory and add no socket transport.
        builder.ConfigureServices(services => services.AddSingleton<IConnectionListenerFactory>(
            sp => new HandoffListenerFactory(receiver, connections, sp.GetRequiredService<IOptions<SocketTransportOptions>>(), sp.GetRequiredService<ILoggerFactory>())));
    }

    /// <summary>The drain's "close the listeners" for handed-off endpoints.</summary>
    private sealed class HandoffStop(HandoffReceiver receiver) : IDisposable
    {
        public void Dispose() => receiver.StopAccepting();
    }

    /// <summary>The local address of an inherited listening socket, to tell whether it is https.</summary>
    private static EndPoint? InheritedLocalEndPoint(int fd)
    {
        // Not owned: the descriptor stays open for Kestrel, inheritable as the primary left it.
        using var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: false));
        return socket.LocalEndPoint;
    }
}
