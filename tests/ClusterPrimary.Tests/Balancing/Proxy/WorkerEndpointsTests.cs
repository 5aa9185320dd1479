using System.Net;
using System.Net.Sockets;
using ClusterHost.Control;
using ClusterHost.Primary.Balancing.Proxy;
using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.Balancing.Proxy;

public sealed class WorkerEndpointsTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("clusterhost-tests-").FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Fact]
    public void Unix_EachLaunchGetsItsOwnSocket_RemovedWhenReleased()
    {
        using var endpoints = new UnixWorkerEndpoints(WorkerRuntimeDirectory.Create(_base, 1, _ => true, UnixWorkerEndpoints.LongestSocketName));
        var environment = new Dictionary<string, string?>();

        var first = endpoints.Assign(new WorkerInstance(1, 1), environment);
        Assert.Equal(WorkerListenModes.Unix, environment[WorkerEnvironmentVariables.ListenMode]);
        var firstSocket = environment[WorkerEnvironmentVariables.Listen]!;
        File.WriteAllText(firstSocket, ""); // what a SIGKILLed worker leaves behind
        var second = endpoints.Assign(new WorkerInstance(1, 2), environment);

        Assert.Equal(Path.Combine(endpoints.Directory, "w1-1.sock"), firstSocket);
        Assert.Equal(new WorkerDestination(new WorkerInstance(1, 1), "w1-1", "http://w1-1/"), first);
        Assert.Equal(new WorkerDestination(new WorkerInstance(1, 2), "w1-2", "http://w1-2/"), second);
        Assert.Equal(Path.Combine(endpoints.Directory, "w1-2.sock"), environment[WorkerEnvironmentVariables.Listen]);
        Assert.True(File.Exists(firstSocket)); // a replacement overlaps the worker it replaces
        endpoints.Release(first);
        Assert.False(File.Exists(firstSocket));
    }

    [Theory]
    [InlineData("w0-1", true)]
    [InlineData("w1023-9223372036854775807", true)]
    [InlineData("localhost", false)]
    [InlineData("w0-1/../../etc", false)]
    [InlineData("w-1", false)]
    [InlineData("127.0.0.1", false)]
    public void Unix_ResolvesOnlyTheNamesItHandsOut(string host, bool resolves)
    {
        using var endpoints = new UnixWorkerEndpoints(WorkerRuntimeDirectory.Create(_base, 1, _ => true, UnixWorkerEndpoints.LongestSocketName));

        var endpoint = endpoints.Resolve(host);

        Assert.Equal(resolves, endpoint is not null);
        if (endpoint is UnixDomainSocketEndPoint unix)
        {
            Assert.Equal(Path.Combine(endpoints.Directory, host + ".sock"), unix.ToString());
        }
    }

    [Fact]
    public void Tcp_EachSlotHasAReservedLoopbackPort_KeptAcrossLaunches()
    {
        using var endpoints = TcpWorkerEndpoints.Create(2);
        var environment = new Dictionary<string, string?>();

        var first = endpoints.Assign(new WorkerInstance(1, 1), environment);
        var listen = environment[WorkerEnvironmentVariables.Listen]!;
        var second = endpoints.Assign(new WorkerInstance(1, 2), environment);
        var added = endpoints.Assign(new WorkerInstance(2, 1), new Dictionary<string, string?>()); // a slot added by scaling

        Assert.Equal(WorkerListenModes.Tcp, environment[WorkerEnvironmentVariables.ListenMode]);
        var endpoint = IPEndPoint.Parse(listen);
        Assert.Equal(IPAddress.Loopback, endpoint.Address);
        Assert.NotEqual(0, endpoint.Port);
        Assert.Equal(listen, environment[WorkerEnvironmentVariables.Listen]);
        Assert.Equal(("w1-1", "w1-2"), (first.DestinationId, second.DestinationId));
        Assert.Equal($"http://{listen}/", second.Address);
        Assert.Equal(3, endpoints.Endpoints.Select(e => e.Port).Distinct().Count());
        Assert.Equal($"http://{endpoints.Endpoints[2]}/", added.Address);
        Assert.False(endpoints.NeedsConnectCallback);

        // Reserved, not listening: nobody answers there until the worker listens.
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = Assert.Throws<SocketException>(() => probe.Connect(endpoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public void Unix_EachLaunchHasAnHttp2Socket_ForItsOwnDestinationOnly()
    {
        using var endpoints = new UnixWorkerEndpoints(WorkerRuntimeDirectory.Create(_base, 1, _ => true, UnixWorkerEndpoints.LongestSocketName));
        var environment = new Dictionary<string, string?>();

        var destination = endpoints.Assign(new WorkerInstance(1023, long.MaxValue), environment);

        Assert.Equal(Path.Combine(endpoints.Directory, $"w1023-{long.MaxValue}-h2.sock"), environment[WorkerEnvironmentVariables.Http2Listen]);
        Assert.Equal($"http://w1023-{long.MaxValue}-h2/", endpoints.Http2Address(destination.Address));
        Assert.Equal(new UnixDomainSocketEndPoint(environment[WorkerEnvironmentVariables.Http2Listen]!).ToString(),
            endpoints.Resolve($"w1023-{long.MaxValue}-h2")!.ToString());
        Assert.Null(endpoints.Http2Address("http://localhost/"));
        Assert.Null(endpoints.Http2Address($"http://w1023-{long.MaxValue}-h2/"));
    }

    [Fact]
    public void Tcp_EachSlotHasAnHttp2Port_KeptAcrossLaunches()
    {
        using var endpoints = TcpWorkerEndpoints.Create(1);
        var environment = new Dictionary<string, string?>();

        var first = endpoints.Assign(new WorkerInstance(0, 1), environment);
        var http2 = environment[WorkerEnvironmentVariables.Http2Listen];
        endpoints.Assign(new WorkerInstance(0, 2), environment);

        Assert.Equal(http2, environment[WorkerEnvironmentVariables.Http2Listen]);
        Assert.Equal($"http://{http2}/", endpoints.Http2Address(first.Address));
        Assert.NotEqual(first.Address, endpoints.Http2Address(first.Address));
    }
}
