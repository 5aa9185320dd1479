using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using ClusterHost.Control;
using ClusterHost.Platform;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Balancing;

/// <summary>
/// <c>reuseport</c>: every worker binds the public endpoints with SO_REUSEPORT and the kernel
/// hashes each new connection to one of their listeners. A connection belongs to one worker for
/// its life (keep-alive stickiness).
/// </summary>
/// <remarks>
/// The primary checks each endpoint is free, then holds a bound, non-listening SO_REUSEPORT
/// socket on it for its own lifetime. That resolves port 0, reports a port in use once at start
/// (not as a restart storm), and keeps another program from taking the port while a worker
/// restarts. A bound socket that does not listen receives no connections.
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed class ReusePortBalancer(ClusterHostConfig config) : IBalancer
{
    private readonly List<Socket> _reservations = [];
    private readonly List<IPEndPoint> _endpoints = [];
    private readonly List<string> _urls = [];

    public BalancingMode Mode => BalancingMode.ReusePort;

    public IReadOnlyList<string> Urls => _urls;

    public void Prepare()
    {
        try
        {
            foreach (var url in config.Urls)
            {
                var port = url.Port;
                foreach (var address in url.Addresses)
                {
                    port = Reserve(url, new IPEndPoint(address, port));
                }
                _urls.Add((url with { Port = port }).ToString());
            }
        }
        catch
        {
            Release();
            throw;
        }
    }

    private int Reserve(ListenUrl url, IPEndPoint endpoint)
    {
        try
        {
            // A plain bind fails if anything listens here, including another program's
            // SO_REUSEPORT group, which we must not join by accident.
            int port;
            using (var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp))
            {
                if (endpoint.Address.Equals(IPAddress.IPv6Any))
                {
                    probe.DualMode = true;
                }
                probe.Bind(endpoint);
                port = ((IPEndPoint)probe.LocalEndPoint!).Port;
            }
            var reserved = ReusePortSocket.Bind(new IPEndPoint(endpoint.Address, port));
            _reservations.Add(reserved);
            _endpoints.Add((IPEndPoint)reserved.LocalEndPoint!);
            return port;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new ClusterStartupException(
                $"{url} ({endpoint}) is already in use by another program; stop it or choose another port with --urls", ExitCodes.Failure, e);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AccessDenied)
        {
            throw new ClusterStartupException(
                $"cannot bind {url} ({endpoint}): {e.Message}", ExitCodes.Failure, e);
        }
    }

    public void ConfigureWorker(WorkerInstance instance, IDictionary<string, string?> environment)
    {
        environment[WorkerEnvironmentVariables.ListenMode] = WorkerListenModes.ReusePort;
        environment[WorkerEnvironmentVariables.Listen] = string.Join(';', _endpoints.Select(e => e.ToString()));
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

    public ValueTask DisposeAsync()
    {
        Release();
        return ValueTask.CompletedTask;
    }

    private void Release()
    {
        foreach (var socket in _reservations)
        {
            socket.Dispose();
        }
        _reservations.Clear();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"reuseport on {string.Join(", ", _endpoints)}");
}
