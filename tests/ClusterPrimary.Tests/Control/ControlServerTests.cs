using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ClusterHost.Control;
using ClusterHost.Primary.Control;
using ClusterHost.Primary.Tests.TestUtilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterHost.Primary.Tests.Control;

public sealed class ControlServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TimerSignalingTimeProvider _time = new();
    private readonly List<Socket> _sockets = [];
    private ControlServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new ControlServer(_time, NullLogger<ControlServer>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    private WorkerControlEndpoint Expect(string token, int pid)
    {
        var endpoint = new WorkerControlEndpoint(token, onDrainUndeliverable: () => { });
        _server.Expect(endpoint, pid);
        return endpoint;
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _sockets.Add(socket);
        await socket.ConnectAsync(ControlAddress.ToEndPoint(_server.Address));
        return socket;
    }

    private static Task SendAsync(Socket socket, string lines) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(lines).AsMemory()).AsTask();

    private static string Hello(string token, int pid) => $$"""{"type":"hello","token":"{{token}}","pid":{{pid}}}""" + "\n";

    // The server closed the connection: the next read ends the stream.
    private static async Task AssertClosedByServerAsync(Socket socket)
    {
        var buffer = new byte[256];
        Assert.Equal(0, await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(Bound));
    }

    // A well-behaved worker connecting now is attached and heard: the server still serves.
    private async Task AssertServesAWorkerAsync()
    {
        var endpoint = Expect($"healthy-{Guid.NewGuid():N}", Environment.ProcessId);
        var socket = await ConnectAsync();

        await SendAsync(socket, Hello(endpoint.Token, Environment.ProcessId) + "{\"type\":\"ready\"}\n");

        await endpoint.Ready.WaitAsync(Bound);
    }

    [Fact]
    public async Task Hello_WithTheLaunchsToken_FromItsPid_AttachesTheConnection()
    {
        var endpoint = Expect("token-a", Environment.ProcessId);
        endpoint.RequestDrain(TimeSpan.FromSeconds(3));
        var socket = await ConnectAsync();

        await SendAsync(socket, Hello("token-a", Environment.ProcessId) + "{\"type\":\"heartbeat\",\"requests\":7}\n{\"type\":\"ready\"}\n");

        await endpoint.Ready.WaitAsync(Bound);
        Assert.Equal(7, endpoint.Requests);
        Assert.True(endpoint.IsAttached);
        using var worker = new ControlChannel(socket);
        Assert.Equal(new DrainMessage(3000), (await worker.ReadAsync(default).AsTask().WaitAsync(Bound)).Message); // the drain that waited for the hello
    }

    [Fact]
    public async Task Hello_WithAnUnknownToken_IsRejected()
    {
        var endpoint = Expect("right-token", Environment.ProcessId);
        var socket = await ConnectAsync();

        await SendAsync(socket, Hello("wrong-token", Environment.ProcessId) + "{\"type\":\"ready\"}\n");

        await AssertClosedByServerAsync(socket);
        Assert.False(endpoint.IsAttached);
        Assert.False(endpoint.Ready.IsCompleted);
        await AssertServesAWorkerAsync();
    }

    [Fact]
    public async Task Hello_WithATokenThatBelongsToAnotherPid_IsRejected()
    {
        // The token is registered for a real process X; the test process (pid Y, as SO_PEERCRED
        // tells the server) presents it, claiming to be X.
        using var other = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
        try
        {
            var endpoint = Expect("token-of-x", other.Id);
            var socket = await ConnectAsync();

            await SendAsync(socket, Hello("token-of-x", other.Id) + "{\"type\":\"ready\"}\n");

            await AssertClosedByServerAsync(socket);
            Assert.False(endpoint.IsAttached);
            Assert.False(endpoint.Ready.IsCompleted);
            await AssertServesAWorkerAsync();
        }
        finally
        {
            other.Kill();
            await other.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Hello_OfAnEndpointThatClosed_IsRejected()
    {
        var endpoint = Expect("token-gone", Environment.ProcessId);
        endpoint.Close(); // its process exited
        var socket = await ConnectAsync();

        await SendAsync(socket, Hello("token-gone", Environment.ProcessId));

        await AssertClosedByServerAsync(socket);
        Assert.False(endpoint.IsAttached);
    }

    [Fact]
    public async Task Connection_SilentForTheHelloTimeout_IsClosed()
    {
        var socket = await ConnectAsync();
        await _time.NextTimerCreated(); // the server has accepted it and armed its hello timeout

        _time.Advance(ControlServer.HelloTimeout);

        await AssertClosedByServerAsync(socket);
        await AssertServesAWorkerAsync();
    }

    [Fact]
    public async Task Hello_JustBeforeTheHelloTimeout_IsAccepted()
    {
        var endpoint = Expect("token-late", Environment.ProcessId);
        var socket = await ConnectAsync();
        await _time.NextTimerCreated();

        _time.Advance(ControlServer.HelloTimeout - TimeSpan.FromMilliseconds(1));
        await SendAsync(socket, Hello("token-late", Environment.ProcessId) + "{\"type\":\"ready\"}\n");

        await endpoint.Ready.WaitAsync(Bound);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"type\":\"hello\",\"pid\":1}")] // no token
    [InlineData("{\"type\":\"ready\"}")] // not a hello
    [InlineData("{\"type\":\"from-the-future\"}")]
    public async Task FirstLine_ThatIsNotAHello_ClosesThatConnection_AndTheServerServesOthers(string line)
    {
        var endpoint = Expect("token-b", Environment.ProcessId);
        var socket = await ConnectAsync();

        await SendAsync(socket, line + "\n" + Hello("token-b", Environment.ProcessId));

        await AssertClosedByServerAsync(socket);
        Assert.False(endpoint.IsAttached);
        await AssertServesAWorkerAsync();
    }

    [Fact]
    public async Task FirstLine_LongerThanAHelloMayBe_ClosesThatConnection_AndTheServerServesOthers()
    {
        var endpoint = Expect("token-c", Environment.ProcessId);
        var socket = await ConnectAsync();
        var padding = new string(' ', ControlServer.HelloMaxLineBytes);

        await SendAsync(socket, $$"""{"type":"hello","token":"token-c","pid":{{Environment.ProcessId}}{{padding}}}""" + "\n");

        await AssertClosedByServerAsync(socket);
        Assert.False(endpoint.IsAttached);
        await AssertServesAWorkerAsync();
    }

    [Fact]
    public async Task AfterHello_MalformedAndOverlongLines_AreSkipped()
    {
        var endpoint = Expect("token-d", Environment.ProcessId);
        var socket = await ConnectAsync();
        await SendAsync(socket, Hello("token-d", Environment.ProcessId));

        await SendAsync(socket, "not json\n{\"type\":\"from-the-future\"}\n");
        await SendAsync(socket, new string('x', ControlChannel.DefaultMaxLineBytes + 1) + "\n");
        await SendAsync(socket, "{\"type\":\"heartbeat\",\"requests\":5}\n{\"type\":\"ready\"}\n");

        await endpoint.Ready.WaitAsync(Bound);
        Assert.Equal(5, endpoint.Requests);
    }

    [Fact]
    public async Task AfterHello_AMetricsSnapshotLargerThanAHello_IsAccepted()
    {
        var endpoint = Expect("token-e", Environment.ProcessId);
        endpoint.RequestDrain(TimeSpan.FromSeconds(1)); // sent the moment the hello is accepted
        var socket = await ConnectAsync();
        await SendAsync(socket, Hello("token-e", Environment.ProcessId));
        using var worker = new ControlChannel(socket);
        Assert.IsType<DrainMessage>((await worker.ReadAsync(default).AsTask().WaitAsync(Bound)).Message);

        var scrape = endpoint.RequestMetricsAsync();

        var request = Assert.IsType<MetricsRequestMessage>((await worker.ReadAsync(default).AsTask().WaitAsync(Bound)).Message);
        var version = new string('v', 2 * ControlServer.HelloMaxLineBytes);
        Assert.True(worker.TrySend(new MetricsMessage { Id = request.Id, Metrics = new() { AppVersion = version } }));

        Assert.Equal(version, (await scrape.WaitAsync(Bound))!.AppVersion);
    }

    [Fact]
    public async Task DisposeAsync_ClosesEveryConnection()
    {
        var endpoint = Expect("token-f", Environment.ProcessId);
        var attached = await ConnectAsync();
        await SendAsync(attached, Hello("token-f", Environment.ProcessId) + "{\"type\":\"ready\"}\n");
        await endpoint.Ready.WaitAsync(Bound);
        var silent = await ConnectAsync();
        await _time.NextTimerCreated(); // accepted, waiting for its hello
        await _time.NextTimerCreated();

        await _server.DisposeAsync().AsTask().WaitAsync(Bound);

        await AssertClosedByServerAsync(attached);
        await AssertClosedByServerAsync(silent);
    }
}
