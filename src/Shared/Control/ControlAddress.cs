using System.Net.Sockets;

namespace ClusterHost.Control;

/// <summary>
/// Control socket addresses. A name starting with '@' is a Linux abstract socket (shown the way
/// <c>ss</c> shows them): it lives in the network namespace, not the file system, so a primary
/// killed with SIGKILL leaves no socket file behind.
/// </summary>
internal static class ControlAddress
{
    public static UnixDomainSocketEndPoint ToEndPoint(string address) =>
        address.StartsWith('@') ? new UnixDomainSocketEndPoint("\0" + address[1..]) : new UnixDomainSocketEndPoint(address);
}
