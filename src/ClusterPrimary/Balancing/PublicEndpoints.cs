using System.Net;
using System.Net.Sockets;

namespace ClusterHost.Primary.Balancing;

/// <summary>
/// The public endpoints bound by <see cref="PublicEndpointBinder"/>: one socket per address of
/// every <c>--urls</c> URL, owned here until a server takes it (<see cref="Take"/>).
/// </summary>
internal sealed class PublicEndpoints : IDisposable
{
    private readonly Dictionary<IPEndPoint, Socket> _sockets;

    public PublicEndpoints(
        IReadOnlyList<(IPEndPoint Endpoint, Socket Socket)> bound, IReadOnlyList<string> urls, IReadOnlySet<IPEndPoint>? https = null)
    {
        HttpsEndpoints = https ?? new HashSet<IPEndPoint>();
        Endpoints = [.. bound.Select(b => b.Endpoint)];
        _sockets = bound.ToDictionary(b => b.Endpoint, b => b.Socket);
        Urls = urls;
    }

    /// <summary>The URLs as bound, port 0 resolved, in <c>--urls</c> order.</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>The endpoints of https URLs, port 0 resolved.</summary>
    public IReadOnlySet<IPEndPoint> HttpsEndpoints { get; }

    /// <summary>True when <paramref name="endpoint"/> belongs to an https URL.</summary>
    public bool IsHttps(EndPoint? endpoint) => endpoint is IPEndPoint ip && HttpsEndpoints.Contains(ip);

    /// <summary>Every bound endpoint, port 0 resolved.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    /// <summary>Hands the socket bound on <paramref name="endpoint"/> over to the caller, who then owns it; null if none is left.</summary>
    public Socket? Take(EndPoint endpoint)
    {
        lock (_sockets)
        {
            return endpoint is IPEndPoint ip && _sockets.Remove(ip, out var socket) ? socket : null;
        }
    }

    /// <summary>Closes the sockets nobody took.</summary>
    public void Dispose()
    {
        lock (_sockets)
        {
            foreach (var socket in _sockets.Values)
            {
                socket.Dispose();
            }
            _sockets.Clear();
        }
    }
}
