using System.Net.Sockets;
using System.Net;
using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Tests.TestUtilities;

namespace ClusterHost.Primary.Tests.Balancing;

public sealed class PublicEndpointBinderTests
{
    private static IReadOnlyList<ListenUrl> Urls(string urls) => ListenUrlParser.Parse(urls, new List<string>());

    private static Socket BindPlain(IPEndPoint endpoint)
    {
        var socket = PublicEndpointBinder.CreateSocket(endpoint);
        try
        {
            socket.Bind(endpoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [Fact]
    public void Bind_LocalhostPortZero_ResolvesOnePortForBothLoopbacks()
    {
        using var endpoints = PublicEndpointBinder.Bind(Urls("http://localhost:0"), BindPlain);

        var port = new Uri(Assert.Single(endpoints.Urls)).Port;
        Assert.NotEqual(0, port);
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], endpoints.Endpoints.Select(e => e.Address));
        Assert.All(endpoints.Endpoints, e => Assert.Equal(port, e.Port));
    }

    [Fact]
    public void Bind_PortInUse_IsOneLineNamingTheUrl_AndExitCodeOne()
    {
        using var squatter = new PortSquatter();
        var port = squatter.Port;

        var error = Assert.Throws<ClusterStartupException>(() => PublicEndpointBinder.Bind(Urls($"http://127.0.0.1:{port}"), BindPlain));

        Assert.Equal(ExitCodes.Failure, error.ExitCode);
        Assert.Equal($"http://127.0.0.1:{port} (127.0.0.1:{port}) is already in use by another program; stop it or choose another port with --urls", error.Message);
    }

    [Fact]
    public void Bind_AddressNotOfThisMachine_IsCannotBind()
    {
        // 192.0.2.1 is TEST-NET-1: never an address of this machine.
        var error = Assert.Throws<ClusterStartupException>(() => PublicEndpointBinder.Bind(Urls("http://192.0.2.1:0"), BindPlain));

        Assert.Equal(ExitCodes.Failure, error.ExitCode);
        Assert.StartsWith("cannot bind http://192.0.2.1:0 (192.0.2.1:0): ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_LaterUrlFails_ReleasesTheEndpointsAlreadyBound()
    {
        using var squatter = new PortSquatter();
        var port = squatter.Port;
        var bound = new List<Socket>();

        Assert.Throws<ClusterStartupException>(() => PublicEndpointBinder.Bind(
            Urls($"http://127.0.0.1:0;http://127.0.0.1:{port}"),
            endpoint =>
            {
                var socket = BindPlain(endpoint);
                bound.Add(socket);
                return socket;
            }));

        Assert.True(Assert.Single(bound).SafeHandle.IsClosed);
    }

    [Fact]
    public void Take_HandsTheSocketOver_DisposeClosesOnlyTheRest()
    {
        var endpoints = PublicEndpointBinder.Bind(Urls("http://localhost:0"), BindPlain);
        using var taken = endpoints.Take(endpoints.Endpoints[0]);

        endpoints.Dispose();

        Assert.NotNull(taken);
        Assert.False(taken.SafeHandle.IsClosed);
        Assert.Null(endpoints.Take(endpoints.Endpoints[1]));
    }
}
