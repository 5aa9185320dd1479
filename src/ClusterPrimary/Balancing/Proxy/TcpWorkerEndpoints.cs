using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using ClusterHost.Control;
using ClusterHost.Platform;
using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// Workers listen on loopback TCP ports, one per slot. The primary reserves each port for its whole
/// life with a bound, non-listening SO_REUSEPORT socket (as reuseport mode does for the public
/// port): a bound socket that does not listen receives no connections, and no other program can take
/// the port while the slot's worker restarts. The worker binds it with SO_REUSEPORT too, which also
/// lets a replacement listen beside the worker it replaces. A second port per slot, reserved the
/// same way, is the worker's HTTP/2 (prior knowledge) listener, for gRPC.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class TcpWorkerEndpoints : IWorkerEndpoints
{
    private readonly Dictionary<int, Socket> _reservations = [];
    private readonly Dictionary<int, Socket> _http2Reservations = [];
    private readonly Dictionary<int, int> _http2PortByPort = [];
    private readonly Lock _gate = new();

    private TcpWorkerEndpoints()
    {
    }

    /// <summary>Reserves the ports of the first <paramref name="workers"/> slots; slots added later reserve theirs at launch.</summary>
    /// <exception cref="ClusterStartupException">No loopback port can be reserved.</exception>
    public static TcpWorkerEndpoints Create(int workers)
    {
        var endpoints = new TcpWorkerEndpoints();
        try
        {
            for (var i = 0; i < workers; i++)
            {
                endpoints.Reserve(i);
            }
        }
        catch (SocketException e)
        {
            endpoints.Dispose();
            throw new ClusterStartupException($"cannot reserve loopback ports for the workers: {e.Message}", ExitCodes.Failure, e);
        }
        return endpoints;
    }

    /// <summary>The reserved endpoint of every slot so far, by slot.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints
    {
        get
        {
            lock (_gate)
            {
                return [.. _reservations.OrderBy(r => r.Key).Select(r => (IPEndPoint)r.Value.LocalEndPoint!)];
            }
        }
    }

    public string Description => $"loopback TCP ports {string.Join(", ", Endpoints.Select(e => e.Port))}";

    public bool NeedsConnectCallback => false;

    public WorkerDestination Assign(WorkerInstance instance, IDictionary<string, string?> environment)
    {
        var endpoint = Reserve(instance.WorkerId);
        environment[WorkerEnvironmentVariables.ListenMode] = WorkerListenModes.Tcp;
        environment[WorkerEnvironmentVariables.Listen] = endpoint.ToString();
        environment[WorkerEnvironmentVariables.Http2Listen] = ReserveHttp2(instance.WorkerId, endpoint.Port).ToString();
        return new WorkerDestination(instance, WorkerDestination.IdOf(instance),
            string.Create(CultureInfo.InvariantCulture, $"http://{endpoint}/"));
    }

    // The port stays reserved for the slot's next worker.
    public void Release(WorkerDestination destination)
    {
    }

    public EndPoint? Resolve(string host) => null;

    public string? Http2Address(string destinationAddress)
    {
        if (!Uri.TryCreate(destinationAddress, UriKind.Absolute, out var uri))
        {
            return null;
        }
        lock (_gate)
        {
            return _http2PortByPort.TryGetValue(uri.Port, out var port)
                ? string.Create(CultureInfo.InvariantCulture, $"http://{uri.Host}:{port}/")
                : null;
        }
    }

    private IPEndPoint ReserveHttp2(int workerId, int port)
    {
        lock (_gate)
        {
            if (!_http2Reservations.TryGetValue(workerId, out var socket))
            {
                _http2Reservations[workerId] = socket = ReusePortSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }
            var endpoint = (IPEndPoint)socket.LocalEndPoint!;
            _http2PortByPort[port] = endpoint.Port;
            return endpoint;
        }
    }

    private IPEndPoint Reserve(int workerId)
    {
        lock (_gate)
        {
            if (!_reservations.TryGetValue(workerId, out var socket))
            {
                _reservations[workerId] = socket = ReusePortSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }
            return (IPEndPoint)socket.LocalEndPoint!;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var socket in _reservations.Values.Concat(_http2Reservations.Values))
            {
                socket.Dispose();
            }
            _reservations.Clear();
            _http2Reservations.Clear();
        }
    }
}
