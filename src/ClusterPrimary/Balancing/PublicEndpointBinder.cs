using System.Net;
using System.Net.Sockets;
using ClusterHost.Primary.Configuration;

namespace ClusterHost.Primary.Balancing;

/// <summary>
/// Binds the public endpoints (<c>--urls</c>) in the primary, for every front: each address of
/// each URL, port 0 resolved once per URL so that all its addresses share one port (Kestrel
/// refuses <c>localhost:0</c>), and the socket errors a user can cause turned into one line.
/// How a socket is made and bound (SO_REUSEPORT reservation, listener) is the front's choice.
/// </summary>
internal static class PublicEndpointBinder
{
    /// <summary>Binds every address of every URL with <paramref name="bind"/>; on failure nothing stays bound.</summary>
    /// <param name="urls">The public URLs.</param>
    /// <param name="bind">Creates a socket bound to the endpoint given (its port may be 0), or throws.</param>
    /// <exception cref="ClusterStartupException">An endpoint is in use or cannot be bound.</exception>
    public static PublicEndpoints Bind(IReadOnlyList<ListenUrl> urls, Func<IPEndPoint, Socket> bind)
    {
        var bound = new List<(IPEndPoint, Socket)>();
        var resolved = new List<string>();
        var https = new HashSet<IPEndPoint>();
        try
        {
            foreach (var url in urls)
            {
                var port = url.Port;
                foreach (var address in url.Addresses)
                {
                    var socket = BindOne(url, new IPEndPoint(address, port), bind);
                    port = ((IPEndPoint)socket.LocalEndPoint!).Port;
                    bound.Add((new IPEndPoint(address, port), socket));
                    if (url.Https)
                    {
                        https.Add(new IPEndPoint(address, port));
                    }
                }
                resolved.Add((url with { Port = port }).ToString());
            }
        }
        catch
        {
            foreach (var (_, socket) in bound)
            {
                socket.Dispose();
            }
            throw;
        }
        return new PublicEndpoints(bound, resolved, https);
    }

    /// <summary>A TCP socket for <paramref name="endpoint"/>, dual-mode when it is <c>[::]</c> (every address, both families).</summary>
    public static Socket CreateSocket(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (endpoint.Address.Equals(IPAddress.IPv6Any))
        {
            socket.DualMode = true;
        }
        return socket;
    }

    /// <summary>
    /// Binds a socket for a server that will listen on it (Kestrel): address reuse as Kestrel sets
    /// it on Linux (a port in TIME_WAIT can be bound again, one with a listener cannot), no Nagle.
    /// </summary>
    public static Socket BindListener(IPEndPoint endpoint)
    {
        var socket = CreateSocket(endpoint);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.NoDelay = true;
            socket.Bind(endpoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static Socket BindOne(ListenUrl url, IPEndPoint endpoint, Func<IPEndPoint, Socket> bind)
    {
        try
        {
            return bind(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new ClusterStartupException(
                $"{url} ({endpoint}) is already in use by another program; stop it or choose another port with --urls", ExitCodes.Failure, e);
        }
        catch (SocketException e)
        {
            // AddressNotAvailable (not an address of this machine), AccessDenied (a port below 1024), ...
            throw new ClusterStartupException($"cannot bind {url} ({endpoint}): {e.Message}", ExitCodes.Failure, e);
        }
    }
}
