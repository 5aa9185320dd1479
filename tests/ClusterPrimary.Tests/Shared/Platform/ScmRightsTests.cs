using System.Net;
using System.Net.Sockets;
using ClusterHost.Control;
using ClusterHost.Platform;

namespace ClusterHost.Primary.Tests.Shared.Platform;

/// <summary>Real descriptors over a real SOCK_SEQPACKET socket, as the handoff mode passes them.</summary>
public sealed class ScmRightsTests
{
    private static (Socket Sender, Socket Receiver) SeqpacketPair()
    {
        var address = $"@clusterhost-test-{Guid.NewGuid():N}";
        using var listener = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        listener.Bind(ControlAddress.ToEndPoint(address));
        listener.Listen(1);
        var sender = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        sender.Connect(ControlAddress.ToEndPoint(address));
        return (sender, listener.Accept());
    }

    private static (Socket Client, Socket Accepted) TcpPair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        return (client, listener.Accept());
    }

    [Fact]
    public void Send_ATcpConnection_TheReceiverServesItAfterTheSenderClosedItsCopy()
    {
        var (sender, receiver) = SeqpacketPair();
        var (client, accepted) = TcpPair();
        using (sender)
        using (receiver)
        using (client)
        {
            Assert.Equal(ScmSendResult.Sent, ScmRights.Send(sender.SafeHandle, "hand"u8, accepted.SafeHandle));
            accepted.Dispose();

            var payload = new byte[8];
            var length = ScmRights.Receive(receiver.SafeHandle, payload, out var descriptor);

            Assert.Equal(4, length);
            Assert.Equal("hand"u8.ToArray(), payload[..4]);
            Assert.NotNull(descriptor);
            using var received = new Socket(descriptor);
            client.Send("ping"u8);
            var read = new byte[4];
            Assert.Equal(4, received.Receive(read));
            Assert.Equal("ping"u8.ToArray(), read);
            received.Send("pong"u8);
            Assert.Equal(4, client.Receive(read));
            Assert.Equal("pong"u8.ToArray(), read);
            Assert.True(CloseOnExec((int)received.Handle));
        }
    }

    [Fact]
    public void Receive_PeerClosed_ReturnsZero()
    {
        var (sender, receiver) = SeqpacketPair();
        using (receiver)
        {
            sender.Dispose();

            Assert.Equal(0, ScmRights.Receive(receiver.SafeHandle, new byte[8], out var descriptor));
            Assert.Null(descriptor);
        }
    }

    [Fact]
    public void Send_PeerClosed_SaysClosed()
    {
        var (sender, receiver) = SeqpacketPair();
        var (client, accepted) = TcpPair();
        using (sender)
        using (client)
        using (accepted)
        {
            receiver.Dispose();

            Assert.Equal(ScmSendResult.Closed, ScmRights.Send(sender.SafeHandle, "hand"u8, accepted.SafeHandle));
        }
    }

    [Fact]
    public void Send_PeerNotReading_SaysWouldBlock_WithoutBlocking()
    {
        var (sender, receiver) = SeqpacketPair();
        var (client, accepted) = TcpPair();
        using (sender)
        using (receiver)
        using (client)
        using (accepted)
        {
            var sent = 0;
            ScmSendResult result;
            while ((result = ScmRights.Send(sender.SafeHandle, new byte[8], accepted.SafeHandle)) == ScmSendResult.Sent)
            {
                sent++;
                Assert.True(sent < 100_000, "the queue never filled");
            }

            Assert.Equal(ScmSendResult.WouldBlock, result);
            Assert.True(sent >= 64, $"only {sent} fit before the queue filled");
        }
    }

    [Theory]
    [InlineData(11, nameof(ScmSendResult.WouldBlock))]   // EAGAIN: the peer's queue is full
    [InlineData(32, nameof(ScmSendResult.Closed))]       // EPIPE
    [InlineData(104, nameof(ScmSendResult.Closed))]      // ECONNRESET
    [InlineData(107, nameof(ScmSendResult.Closed))]      // ENOTCONN
    [InlineData(105, nameof(ScmSendResult.NoResources))] // ENOBUFS: the peer is still there
    [InlineData(12, nameof(ScmSendResult.NoResources))]  // ENOMEM
    [InlineData(109, nameof(ScmSendResult.NoResources))] // ETOOMANYREFS: too many descriptors in flight
    public void SendResultOf_TellsAPeerThatIsGone_FromAKernelShortOfMemory(int errno, string expected) =>
        Assert.Equal(expected, ScmRights.SendResultOf(errno).ToString());

    [Fact]
    public void SendResultOf_AnotherError_IsNoneOfThem() =>
        Assert.Null(ScmRights.SendResultOf(9)); // EBADF: a bug, thrown to the caller

    private static bool CloseOnExec(int fd) => ClusterHost.Primary.Platform.CloseOnExec.IsSet(fd);
}
