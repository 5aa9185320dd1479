using System.Net;
using System.Net.Sockets;
using ClusterHost.Control;
using ClusterHost.Worker.Internal;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClusterHost.Worker.Tests.Internal;

/// <summary>
/// Kestrel's socket transport, on a real loopback socket, with the primary's connections counted
/// at accept: a drain that closes the listener right after an accept finds the connection
/// counted, and the pending accept returns.
/// </summary>
public sealed class TrackedSocketListenerFactoryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static SocketTransportFactory Sockets() => new(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance);

    [Fact]
    public async Task AnAcceptedConnection_IsCountedBeforeKestrelRunsIt_AndAClosedListenersAcceptEnds()
    {
        var tracker = new ConnectionTracker(TimeProvider.System);
        var factory = new TrackedSocketListenerFactory(Sockets(), tracker, _ => true);
        await using var listener = await factory.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));

        var accepting = listener.AcceptAsync().AsTask();
        Assert.Equal(1, tracker.AcceptsPending);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.EndPoint);
        var connection = await accepting.WaitAsync(Patience);

        Assert.NotNull(connection);
        Assert.Equal(1, tracker.Count); // no connection middleware has run: counted at accept
        Assert.Equal(0, tracker.AcceptsPending);

        var next = listener.AcceptAsync().AsTask();
        Assert.Equal(1, tracker.AcceptsPending);
        await listener.UnbindAsync();
        Assert.Null(await next.WaitAsync(Patience));
        Assert.Equal(0, tracker.AcceptsPending);
        await connection!.DisposeAsync();
    }

    [Fact]
    public async Task AnEndpointTheAppAddedItself_IsBoundAsKestrelWould_AndNotCounted()
    {
        var tracker = new ConnectionTracker(TimeProvider.System);
        var factory = new TrackedSocketListenerFactory(Sockets(), tracker, _ => false);
        await using var listener = await factory.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));

        var accepting = listener.AcceptAsync().AsTask();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.EndPoint);
        await using var connection = await accepting.WaitAsync(Patience);

        Assert.NotNull(connection);
        Assert.Equal(0, tracker.Count);
        Assert.Equal(0, tracker.AcceptsPending);
    }

    [Fact]
    public void IsPrimaryEndPoint_KnowsThePublicPrivateAndInheritedEndpoints_AndNothingElse()
    {
        var environment = new WorkerEnvironment
        {
            ControlAddress = "@control",
            Token = "t",
            WorkerId = 0,
            WorkerCount = 2,
            ListenMode = WorkerListenModes.ReusePort,
            ShutdownTimeout = TimeSpan.FromSeconds(30),
            Endpoints = [new IPEndPoint(IPAddress.Loopback, 8080)],
            UnixSocketPath = "/run/app/w0.sock",
            InheritedDescriptors = [3],
            Http2Listen = "127.0.0.1:9090",
        };

        Assert.True(TrackedSocketListenerFactory.IsPrimaryEndPoint(environment, new IPEndPoint(IPAddress.Loopback, 8080)));
        Assert.True(TrackedSocketListenerFactory.IsPrimaryEndPoint(environment, new IPEndPoint(IPAddress.Loopback, 9090)));
        Assert.True(TrackedSocketListenerFactory.IsPrimaryEndPoint(environment, new UnixDomainSocketEndPoint("/run/app/w0.sock")));
        Assert.True(TrackedSocketListenerFactory.IsPrimaryEndPoint(environment, new FileHandleEndPoint(3, FileHandleType.Auto)));
        Assert.False(TrackedSocketListenerFactory.IsPrimaryEndPoint(environment, new IPEndPoint(IPAddress.Loopback, 5000)));
        Assert.False(TrackedSocketListenerFactory.IsPrimaryEndPoint(environment, new UnixDomainSocketEndPoint("/tmp/app-admin.sock")));
        Assert.False(TrackedSocketListenerFactory.IsPrimaryEndPoint(environment, new FileHandleEndPoint(4, FileHandleType.Auto)));
    }
}
