using System.Net.Sockets;
using System.Text;
using ClusterHost.Control;
using ClusterHost.Primary.SignalR;
using ClusterHost.Relay;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterHost.Primary.Tests.SignalR;

/// <summary>The relay on its real socket, with real worker connections (this process plays the workers).</summary>
public sealed class SignalRRelayTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AFrameForEveryone_ReachesEveryOtherWorker_StampedWithItsSender_AndAFrameForASlot_OnlyThatSlot()
    {
        await using var relay = new SignalRRelay(TimeProvider.System, NullLogger<SignalRRelay>.Instance);
        using var gone = new CancellationTokenSource();
        using var w0 = await JoinAsync(relay, 0, gone.Token);
        using var w1 = await JoinAsync(relay, 1, gone.Token);
        using var w2 = await JoinAsync(relay, 2, gone.Token);
        await WaitUntilAsync(() => relay.Stats.Count(s => s.Connected) == 3);

        await SendAsync(w0, RelayFrame.Everyone, "to all");
        await SendAsync(w0, 2, "to two");

        Assert.Equal((0, "to all"), await ReceiveAsync(w1));
        Assert.Equal((0, "to all"), await ReceiveAsync(w2));
        Assert.Equal((0, "to two"), await ReceiveAsync(w2));
        w0.ReceiveTimeout = 300;
        Assert.Throws<SocketException>(() => w0.Receive(new byte[1])); // nothing comes back to the sender
        var stats = relay.Stats.Single(s => s.WorkerId == 2);
        Assert.Equal(2, stats.MessagesOut);
        Assert.Equal(2, relay.Stats.Single(s => s.WorkerId == 0).MessagesIn);
    }

    [Fact]
    public async Task AWorkerThatDoesNotRead_IsDropped_TheOthersGoOn_AndItRejoinsWhenItReconnects()
    {
        await using var relay = new SignalRRelay(TimeProvider.System, NullLogger<SignalRRelay>.Instance, new RelayLimits(4, 1024 * 1024));
        using var gone = new CancellationTokenSource();
        using var sender = await JoinAsync(relay, 0, gone.Token);
        using var reader = await JoinAsync(relay, 1, gone.Token);
        var stuck = await JoinAsync(relay, 2, gone.Token);
        await WaitUntilAsync(() => relay.Stats.Count(s => s.Connected) == 3);

        // 64 KiB frames, each read by the reading worker before the next is sent: the stuck
        // worker's socket buffer fills, then its queue passes 4 frames.
        var big = new string('x', 64 * 1024);
        for (var i = 0; i < 40; i++)
        {
            await SendAsync(sender, RelayFrame.Everyone, big);
            Assert.Equal((0, big), await ReceiveAsync(reader));
        }
        await WaitUntilAsync(() => relay.Stats.Single(s => s.WorkerId == 2) is { Drops: 1, Connected: false });
        Assert.True(relay.Stats.Single(s => s.WorkerId == 2).DroppedMessages > 0);
        stuck.Dispose();

        using var back = await JoinAsync(relay, 2, gone.Token);
        await WaitUntilAsync(() => relay.Stats.Single(s => s.WorkerId == 2).Connected);
        await SendAsync(sender, RelayFrame.Everyone, "welcome back");
        Assert.Equal((0, "welcome back"), await ReceiveAsync(back));
    }

    [Fact]
    public async Task AHelloWithAnUnknownToken_IsRefused()
    {
        await using var relay = new SignalRRelay(TimeProvider.System, NullLogger<SignalRRelay>.Instance);
        using var gone = new CancellationTokenSource();
        relay.Expect(0, "right", Environment.ProcessId, gone.Token);
        using var socket = await ConnectAsync(relay);
        await socket.SendAsync(RelayFrame.Build(0, Encoding.UTF8.GetBytes("wrong")));

        socket.ReceiveTimeout = (int)Patience.TotalMilliseconds;
        Assert.Equal(0, socket.Receive(new byte[1])); // closed
        Assert.Empty(relay.Stats);
    }

    private static async Task<Socket> JoinAsync(SignalRRelay relay, int workerId, CancellationToken gone)
    {
        var token = $"token-{workerId}-{Guid.NewGuid():N}";
        relay.Expect(workerId, token, Environment.ProcessId, gone);
        var socket = await ConnectAsync(relay);
        await socket.SendAsync(RelayFrame.Build(workerId, Encoding.UTF8.GetBytes(token)));
        return socket;
    }

    private static async Task<Socket> ConnectAsync(SignalRRelay relay)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(ControlAddress.ToEndPoint(relay.Address));
        return socket;
    }

    private static async Task SendAsync(Socket socket, int target, string text) =>
        await socket.SendAsync(RelayFrame.Build(target, Encoding.UTF8.GetBytes(text)));

    private static async Task<(int Sender, string Text)> ReceiveAsync(Socket socket)
    {
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var timeout = new CancellationTokenSource(Patience);
        var frame = await RelayFrame.ReadAsync(stream, timeout.Token) ?? throw new EndOfStreamException();
        return (RelayFrame.Peer(frame), Encoding.UTF8.GetString(RelayFrame.Payload(frame).Span));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
