using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Platform;

namespace ClusterHost.Primary.Balancing;

/// <summary>
/// The public endpoints when the service manager passed the sockets (<see cref="SocketActivation"/>):
/// the primary binds nothing, it takes the listening sockets it was given, as they are.
/// </summary>
internal static class ActivatedEndpoints
{
    /// <summary>
    /// The passed sockets as <see cref="PublicEndpoints"/>, their URLs from their local addresses.
    /// A socket is https when an https URL of <paramref name="urls"/> names its port (the unit's
    /// <c>ListenStream=443</c> with <c>--urls https://*:443</c>); every other one is http.
    /// </summary>
    /// <exception cref="ClusterStartupException">A passed descriptor is not a listening TCP socket.</exception>
    public static PublicEndpoints Adopt(SocketActivation activation, IReadOnlyList<ListenUrl> urls)
    {
        var httpsPorts = urls.Where(u => u.Https).Select(u => u.Port).ToHashSet();
        var adopted = new List<(IPEndPoint, Socket)>();
        try
        {
            for (var i = 0; i < activation.Descriptors.Count; i++)
            {
                var fd = activation.Descriptors[i];
                var socket = AdoptOne(fd, activation.Names[i]);
                adopted.Add(((IPEndPoint)socket.LocalEndPoint!, socket));
            }
        }
        catch
        {
            foreach (var (_, socket) in adopted)
            {
                socket.Dispose();
            }
            throw;
        }
        var https = adopted.Select(a => a.Item1).Where(e => httpsPorts.Contains(e.Port)).ToHashSet();
        return new PublicEndpoints(adopted, [.. adopted.Select(a => Url(a.Item1, https.Contains(a.Item1)))], https);
    }

    /// <summary>The URL of an endpoint, as <c>--urls</c> would write it.</summary>
    public static string Url(IPEndPoint endpoint, bool https = false) =>
        string.Create(CultureInfo.InvariantCulture, $"{(https ? "https" : "http")}://{endpoint}");

    private static Socket AdoptOne(int fd, string name)
    {
        var described = string.IsNullOrEmpty(name) ? $"fd {fd}" : $"fd {fd} ({name})";
        Socket socket;
        try
        {
            socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        }
        catch (SocketException e)
        {
            throw new ClusterStartupException(
                $"{SocketActivation.ListenFds}: {described} is not a socket ({e.Message}); the socket unit must pass ListenStream= TCP sockets", ExitCodes.Usage, e);
        }
        if (socket.SocketType != SocketType.Stream || socket.LocalEndPoint is not IPEndPoint
            || (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.AcceptConnection)! == 0)
        {
            var what = $"{socket.AddressFamily} {socket.SocketType}, {socket.LocalEndPoint}";
            socket.Dispose();
            throw new ClusterStartupException(
                $"{SocketActivation.ListenFds}: {described} is not a listening TCP socket ({what}); the socket unit must pass ListenStream= TCP sockets with Accept=no", ExitCodes.Usage);
        }
        // systemd passes them inheritable; sd_listen_fds() makes them close-on-exec, and so does
        // this: otherwise every child (workers in handoff and proxy mode, standbys, the stack
        // capture) would hold the public listener. Shared mode lends it to workers on purpose.
        CloseOnExec.Set(fd, closeOnExec: true);
        return socket;
    }
}
