using System.Net;
using System.Net.Sockets;
using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Platform;

namespace ClusterHost.Primary.Tests.Balancing;

public sealed class ActivatedEndpointsTests
{
    // A listening socket as systemd passes it: inheritable, its descriptor handed over by number.
    private static int PassedListener()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen();
        var fd = (int)socket.Handle;
        CloseOnExec.Set(fd, closeOnExec: false);
        socket.SafeHandle.SetHandleAsInvalid(); // the descriptor is now Adopt's to own
        return fd;
    }

    [Fact]
    public void Adopt_MakesThePassedSocketCloseOnExec_SoNoChildInheritsIt()
    {
        var fd = PassedListener();
        Assert.False(CloseOnExec.IsSet(fd));

        using var endpoints = ActivatedEndpoints.Adopt(new SocketActivation { Descriptors = [fd], Names = [""] }, []);

        Assert.True(CloseOnExec.IsSet(fd));
        var endpoint = Assert.Single(endpoints.Endpoints);
        Assert.Equal($"http://{endpoint}", Assert.Single(endpoints.Urls));
    }
}
