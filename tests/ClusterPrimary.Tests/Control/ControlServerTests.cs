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

    // A peer the server screens out is closed before a byte is read: the send may already meet
    // the closed connection (broken pipe, reset), which is the refusal itself.
    private static async Task SendRefusedAsync(Socket socket, string lines)
    {
        try
        {
            await SendAsync(socket, lines);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.Shutdown or SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
        }
    }

    private static string Hello(string token, int pid) => $$"""{"type":"hello","token":"{{token}}","pid":{{pid}}}""" + "\n";

    // The server closed the connection: the next read ends the stream, or is reset when the
    // server closed with our bytes unread (a peer rejected before it was read at all).
    private static async Task AssertClosedByServerAsync(Socket socket)
    {
        var buffer = new byte[256];
        try
        {
            Assert.Equal(0, await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(Bound));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
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

            await SendRefusedAsync(socket, Hello("token-of-x", other.Id) + "{\"type\":\"ready\"}\n");

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

        // Its pid is no longer expected, so the server screens the peer out before reading.
        await SendRefusedAsync(socket, Hello("token-gone", Environment.ProcessId));

        await AssertClosedByServerAsync(socket);
        Assert.False(endpoint.IsAttached);
        Assert.Equal(1, _server.RejectedCount(ControlRejection.UnknownProcess));
    }

    [Fact]
    public async Task Connection_SilentForTheHelloTimeout_IsClosed()
    {
        Expect("token-silent", Environment.ProcessId); // a launch of this pid: it passes the screen
        var socket = await ConnectAsync();
        await _time.NextTimerCreated(); // the server has accepted it and armed its hello timeout

        _time.Advance(ControlServer.HelloTimeout);

        await AssertClosedByServerAsync(socket);
        await AssertServesAWorkerAsync();
        Assert.Equal(1, _server.RejectedCount(ControlRejection.Silent));
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

    [Fact]
    public async Task AnotherLocalProcess_IsClosedBeforeItSpeaks()
    {
        // No launch of this pid is expected: the server reads nothing and closes.
        var socket = await ConnectAsync();

        await AssertClosedByServerAsync(socket);
        Assert.Equal(1, _server.RejectedCount(ControlRejection.UnknownProcess));
    }

    [Fact]
    public async Task Hello_WithAnotherLaunchsToken_FromAPidThatIsAlsoALaunch_IsRejectedForThePidMismatch()
    {
        using var other = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
        try
        {
            Expect("token-own", Environment.ProcessId);
            var endpoint = Expect("token-of-other", other.Id);
            var socket = await ConnectAsync();

            await SendAsync(socket, Hello("token-of-other", other.Id));

            await AssertClosedByServerAsync(socket);
            Assert.False(endpoint.IsAttached);
            Assert.Equal(1, _server.RejectedCount(ControlRejection.PidMismatch));
        }
        finally
        {
            other.Kill();
            await other.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A100MegabyteFirstLine_IsRefusedAfterTheHelloLimit_NotReadThrough()
    {
        Expect("token-long", Environment.ProcessId);
        var socket = await ConnectAsync();
        var chunk = new byte[1024 * 1024];
        Array.Fill(chunk, (byte)'x');

        long sent = 0;
        try
        {
            for (var i = 0; i < 100; i++)
            {
                sent += await socket.SendAsync(chunk.AsMemory()).AsTask().WaitAsync(Bound);
            }
        }
        catch (SocketException)
        {
            // The server closed the connection under the writes: what this test expects.
        }

        Assert.True(sent < 100L * chunk.Length, $"the server read all {sent} bytes");
        Assert.Equal(1, _server.RejectedCount(ControlRejection.TooLong));
        await AssertServesAWorkerAsync();
    }

    [Fact]
    public async Task ConnectionsAwaitingTheirHello_AreBounded_AndHoldNoThread()
    {
        Expect("token-many", Environment.ProcessId);
        var threadsBefore = Process.GetCurrentProcess().Threads.Count;
        var silent = new List<Socket>();
        for (var i = 0; i < ControlServer.MaxPendingConnections; i++)
        {
            silent.Add(await ConnectAsync());
        }
        for (var i = 0; i < ControlServer.MaxPendingConnections; i++)
        {
            await _time.NextTimerCreated(); // each accepted, awaiting its hello
        }

        var oneTooMany = await ConnectAsync();

        await AssertClosedByServerAsync(oneTooMany);
        Assert.Equal(1, _server.RejectedCount(ControlRejection.TooManyPending));
        Assert.True(Process.GetCurrentProcess().Threads.Count < threadsBefore + 16, "silent connections hold threads");
    }

    [Fact]
    public async Task Rejections_AreLoggedOncePerCausePerPeriod()
    {
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger<ControlServer>();
        await using var server = new ControlServer(_time, logger);
        var endpoint = new WorkerControlEndpoint("right", onDrainUndeliverable: () => { });
        server.Expect(endpoint, Environment.ProcessId);
        for (var i = 0; i < 3; i++)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _sockets.Add(socket);
            await socket.ConnectAsync(ControlAddress.ToEndPoint(server.Address));
            await SendAsync(socket, Hello("wrong", Environment.ProcessId));
            await AssertClosedByServerAsync(socket);
        }

        Assert.Equal(3, server.RejectedCount(ControlRejection.WrongToken));
        Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 100);
    }
}
