using System.Net.Sockets;
using System.Text;
using ClusterHost.Control;
using ClusterHost.Primary.Tests.TestUtilities;

namespace ClusterHost.Primary.Tests.Control;

public sealed class ControlChannelTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private UnixSocketPair _pair = null!;
    private ControlChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _pair = await UnixSocketPair.CreateAsync();
        _channel = new ControlChannel(_pair.Right) { MaxLineBytes = 64 };
    }

    public Task DisposeAsync()
    {
        _channel.Dispose();
        _pair.Dispose();
        return Task.CompletedTask;
    }

    private void Write(string text) => _pair.Left.Send(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task ReadAsync_LineOverTheLimit_IsTooLong_AndTheNextLineReads()
    {
        Write(new string('x', 65) + "\n{\"type\":\"ready\"}\n");

        Assert.Equal(ControlReadStatus.TooLong, (await _channel.ReadAsync(default).AsTask().WaitAsync(Bound)).Status);
        Assert.IsType<ReadyMessage>((await _channel.ReadAsync(default).AsTask().WaitAsync(Bound)).Message);
    }

    [Fact]
    public void Read_LineOverTheLimitArrivingInPieces_IsTooLong_AndTheNextLineReads()
    {
        // Ten times the limit, in pieces smaller than it.
        for (var i = 0; i < 20; i++)
        {
            Write(new string('x', 32));
        }
        Write("\n{\"type\":\"heartbeat\",\"requests\":3}\n");

        Assert.Equal(ControlReadStatus.TooLong, _channel.Read().Status);
        Assert.Equal(new HeartbeatMessage(3), _channel.Read().Message);
    }

    [Fact]
    public void Read_LineAtTheLimit_IsAccepted_OneByteMore_IsTooLong()
    {
        const string Shortest = """{"type":"hello","token":"","pid":1}""";
        var token = new string('t', 64 - Shortest.Length);
        Write($$"""{"type":"hello","token":"{{token}}","pid":1}""" + "\n");
        Write($$"""{"type":"hello","token":"{{token}}t","pid":1}""" + "\n");

        Assert.Equal(new HelloMessage(token, 1), _channel.Read().Message);
        Assert.Equal(ControlReadStatus.TooLong, _channel.Read().Status);
    }

    [Fact]
    public void Read_LineSplitAcrossWrites_IsOneMessage()
    {
        Write("{\"type\":\"heart");
        Write("beat\",\"requests\":");
        Write("12}\n");

        Assert.Equal(new HeartbeatMessage(12), _channel.Read().Message);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{\"type\":\"from-a-newer-worker\"}")]
    [InlineData("{\"requests\":1}")]
    public void Read_LineThatIsNotAMessage_IsMalformed_AndReceiveSkipsIt(string line)
    {
        Write(line + "\n" + line + "\n{\"type\":\"ready\"}\n");

        Assert.Equal(ControlReadStatus.Malformed, _channel.Read().Status);
        Assert.IsType<ReadyMessage>(_channel.Receive());
    }

    [Fact]
    public async Task ReceiveAsync_SkipsTooLongLines()
    {
        Write(new string('x', 100) + "\n{\"type\":\"ready\"}\n");

        Assert.IsType<ReadyMessage>(await _channel.ReceiveAsync(default).AsTask().WaitAsync(Bound));
    }

    [Fact]
    public void Read_LastLineWithoutNewline_IsAMessage_ThenTheChannelIsClosed()
    {
        Write("{\"type\":\"ready\"}");
        _pair.Left.Shutdown(SocketShutdown.Send);

        Assert.IsType<ReadyMessage>(_channel.Read().Message);
        Assert.Equal(ControlReadStatus.Closed, _channel.Read().Status);
        Assert.Null(_channel.Receive());
    }

    [Fact]
    public async Task ReadAsync_PeerGone_IsClosed()
    {
        _pair.Left.Dispose();

        Assert.Equal(ControlReadStatus.Closed, (await _channel.ReadAsync(default).AsTask().WaitAsync(Bound)).Status);
        Assert.Null(await _channel.ReceiveAsync(default).AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task ReadAsync_Cancelled_Throws()
    {
        using var cancel = new CancellationTokenSource();
        var read = _channel.ReadAsync(cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Bound));
    }

    [Fact]
    public void Send_MessageOverTheLimit_IsNotSent_AndTheChannelStaysUsable()
    {
        using var peer = new ControlChannel(_pair.Left);

        Assert.Equal(ControlSendResult.TooLong, _channel.Send(new FatalMessage("x", new string('m', 64))));
        Assert.Equal(ControlSendResult.Sent, _channel.Send(new ReadyMessage()));

        Assert.IsType<ReadyMessage>(peer.Read().Message);
    }

    [Fact]
    public void Send_AfterDispose_IsClosed()
    {
        _channel.Dispose();

        Assert.Equal(ControlSendResult.Closed, _channel.Send(new ReadyMessage()));
        Assert.False(_channel.TrySend(new ReadyMessage()));
    }

    [Fact]
    public void MaxLineBytes_MustBePositive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _channel.MaxLineBytes = 0);
    }
}
