using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections.Client;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>
/// <c>--mode reuseport</c>: the kernel picks the worker per connection; a request for another
/// worker's connection is forwarded to it over its private socket. Here also the forward itself,
/// made certain: a client whose negotiate reaches one worker and everything else the other.
/// </summary>
public sealed class ReusePortConnectionAffinityTests(ReusePortChatRoom cluster, ITestOutputHelper output)
    : ConnectionAffinityTests(cluster, output), IClassFixture<ReusePortChatRoom>
{
    private const int Warmup = 5;
    private const int Pings = 100;

    // 80 clients open new connections (a WebSocket, an event stream, sends): the kernel's hash sends some to the other worker.
    protected override void AssertForwarding(double forwarded) => Assert.True(forwarded > 0, "no request was forwarded between the workers");

    [Fact]
    public async Task EveryTransport_ThroughTheOtherWorker_ReachesTheOwner_AndTheHopIsMeasured()
    {
        var sockets = Cluster.AffinitySockets();
        Assert.True(sockets.ContainsKey(0) && sockets.ContainsKey(1), $"affinity sockets: {string.Join(", ", sockets.Values)}");
        var before = (await Cluster.Metrics.ScrapeAsync()).Named("clusterhost_signalr_forwarded_total")
            .Where(s => s["worker"] == "1" && s["outcome"] == "forwarded").ToDictionary(s => s["kind"]!, s => s.Value);

        foreach (var transport in (ChatTransport[])[ChatTransport.LongPolling, ChatTransport.ServerSentEvents, ChatTransport.WebSockets])
        {
            var direct = await MeasureAsync(transport, sockets[0], sockets[0]);
            var forwarded = await MeasureAsync(transport, sockets[0], sockets[1]);
            Output.WriteLine($"{transport}: message to self round trip, direct p50 {Ms(direct, 0.5)} p99 {Ms(direct, 0.99)}; " +
                $"through the other worker p50 {Ms(forwarded, 0.5)} p99 {Ms(forwarded, 0.99)} ({Pings} each)");
        }

        var after = (await Cluster.Metrics.ScrapeUntilAsync(
            m => m.Named("clusterhost_signalr_forwarded_total").Count(s => s["worker"] == "1" && s["outcome"] == "forwarded") >= 4,
            "worker 1 forwarded every kind of request")).Named("clusterhost_signalr_forwarded_total")
            .Where(s => s["worker"] == "1" && s["outcome"] == "forwarded").ToDictionary(s => s["kind"]!, s => s.Value);
        Output.WriteLine("worker 1 forwarded: " + string.Join(", ", after.Select(k => $"{k.Key} {k.Value - before.GetValueOrDefault(k.Key)}")));
        foreach (var kind in (string[])["long-polling", "server-sent-events", "websockets", "send"])
        {
            Assert.True(after.GetValueOrDefault(kind) > before.GetValueOrDefault(kind), $"worker 1 forwarded no {kind} request");
        }
    }

    /// <summary>
    /// A client whose negotiate goes to <paramref name="negotiateSocket"/> and every other request
    /// (the WebSocket, the event stream, long polls, sends) to <paramref name="restSocket"/>; returns
    /// its message-to-self round trips, sorted.
    /// </summary>
    private static async Task<List<TimeSpan>> MeasureAsync(ChatTransport transport, string negotiateSocket, string restSocket)
    {
        await using var client = ChatClient.Create(new Uri("http://chatroom/chat"), transport, options =>
        {
            options.HttpMessageHandlerFactory = _ => new SocketRoutingHandler(negotiateSocket, restSocket);
            options.WebSocketFactory = async (context, cancellationToken) =>
            {
                var socket = new ClientWebSocket();
                using var invoker = new HttpMessageInvoker(SocketRoutingHandler.Connecting(restSocket));
                await socket.ConnectAsync(context.Uri, invoker, cancellationToken);
                return socket;
            };
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await client.ConnectAsync(timeout.Token);
        var rounds = new List<TimeSpan>();
        for (var i = 0; i < Warmup + Pings; i++)
        {
            var round = await client.PingAsync(timeout.Token);
            if (i >= Warmup)
            {
                rounds.Add(round);
            }
        }
        Assert.False(client.Closed.IsCompleted, $"{transport}: the connection closed");
        rounds.Sort();
        return rounds;
    }

    private static string Ms(List<TimeSpan> sorted, double quantile) =>
        $"{sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)].TotalMilliseconds:0.00} ms";

    /// <summary>Sends negotiate requests to one worker's affinity socket and every other request to another's.</summary>
    private sealed class SocketRoutingHandler(string negotiateSocket, string restSocket) : DelegatingHandler
    {
        private readonly HttpMessageInvoker _negotiate = new(Connecting(negotiateSocket));
        private readonly HttpMessageInvoker _rest = new(Connecting(restSocket));

        public static SocketsHttpHandler Connecting(string path) => new()
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri!.AbsolutePath.EndsWith("/negotiate", StringComparison.Ordinal)
                ? _negotiate.SendAsync(request, cancellationToken)
                : _rest.SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _negotiate.Dispose();
                _rest.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
