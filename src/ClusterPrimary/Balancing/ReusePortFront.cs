using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using ClusterHost.Control;
using ClusterHost.Platform;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Platform;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Balancing;

/// <summary>
/// <c>reuseport</c>: every worker binds the public endpoints with SO_REUSEPORT and the kernel
/// hashes each new connection to one of their listeners. A connection belongs to one worker for
/// its life (keep-alive stickiness). Nothing is balanced here: this front only reserves the
/// endpoints and tells each worker where to listen.
/// </summary>
/// <remarks>
/// The primary checks each endpoint is free, then holds a bound, non-listening SO_REUSEPORT
/// socket on it for its own lifetime. That resolves port 0 and reports a port in use once at start
/// (not as a restart storm). A bound socket that does not listen receives no connections. It does
/// not keep every other program off the port while no worker listens: Linux lets a socket with
/// SO_REUSEADDR (.NET sets it on every socket) bind and listen beside one that only is bound. It also turns on
/// <c>net.ipv4.tcp_migrate_req</c> where it may, so a draining worker's queued connections move
/// to another worker instead of being reset. Each worker terminates TLS on the https endpoints
/// itself (<see cref="WorkerTlsEnvironment"/>), with the certificate files as they are when it starts.
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed class ReusePortFront(ClusterHostConfig config, ServerCertificate certificate, ILogger<ReusePortFront> logger) : IClusterFront, IDisposable
{
    private PublicEndpoints? _reservations;

    public BalancingMode Mode => BalancingMode.ReusePort;

    public IReadOnlyList<string> Urls => _reservations?.Urls ?? [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (certificate.IsConfigured)
        {
            // The workers read the files; this says which certificate they will serve.
            certificate.Load();
            certificate.WarnIfKeyExposed();
        }
        _reservations = PublicEndpointBinder.Bind(config.Urls, Reserve);
        Log.TcpMigrateRequest(logger, TcpMigrateRequest.Enable());
        return Task.CompletedTask;
    }

    private static Socket Reserve(IPEndPoint endpoint)
    {
        // A plain bind fails if anything listens here, including another program's
        // SO_REUSEPORT group, which we must not join by accident.
        int port;
        using (var probe = PublicEndpointBinder.CreateSocket(endpoint))
        {
            probe.Bind(endpoint);
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        return ReusePortSocket.Bind(new IPEndPoint(endpoint.Address, port));
    }

    public void ConfigureWorker(WorkerInstance instance, IDictionary<string, string?> environment)
    {
        var endpoints = _reservations?.Endpoints ?? throw new InvalidOperationException("StartAsync() first.");
        environment[WorkerEnvironmentVariables.ListenMode] = WorkerListenModes.ReusePort;
        environment[WorkerEnvironmentVariables.Listen] = string.Join(';', endpoints.Select(e => e.ToString()));
        WorkerTlsEnvironment.Apply(config, _reservations.HttpsEndpoints, environment);
    }

    // The kernel balances; nothing to route.
    public void WorkerReady(WorkerInstance instance)
    {
    }

    public void WorkerLeaving(WorkerInstance instance)
    {
    }

    // Each worker closes its own listener when it drains.
    public Task StopAcceptingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _reservations?.Dispose();

    public override string ToString() => $"reuseport on {string.Join(", ", _reservations?.Endpoints ?? [])}";
}
