using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using ClusterHost.Control;
using ClusterHost.Primary.Platform;
using ClusterHost.Relay;
using Microsoft.Extensions.Logging;
using ClusterHost.Primary.Hosting;

namespace ClusterHost.Primary.SignalR;

/// <summary>
/// Relays SignalR messages between the workers, so that a hub's sends to all, to groups, to users
/// and to connections reach the clients of every worker (the workers' side is
/// <c>ClusterHost.Worker.SignalR.ClusterHubLifetimeManager</c>). One abstract Unix socket, apart
/// from the control channel; each worker connects once and says hello with its launch token
/// (checked with its SO_PEERCRED pid, as the control channel does). A frame addressed to
/// <see cref="RelayFrame.Everyone"/> goes to every other connected worker, one addressed to a slot
/// to that slot's worker only; each is stamped with its sender's slot. The relay never reads the
/// payloads. Delivery is at most once and in order per sender; a worker whose queue is full is
/// dropped (<see cref="RelayPeer"/>).
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class SignalRRelay : IAsyncDisposable
{
    /// <summary>How long a connection may take to send its hello: 10 s.</summary>
    internal static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    private static readonly uint OwnUid = Interop.GetEUid();

    private readonly ConcurrentDictionary<string, (int WorkerId, int Pid)> _expected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, RelayPeer> _peers = new();
    private readonly ConcurrentDictionary<int, RelaySlotStats> _stats = new();
    private readonly TimeProvider _time;
    private readonly ILogger<SignalRRelay> _logger;
    private readonly RelayLimits _limits;
    private readonly SocketAcceptLoop _accepts;

    public SignalRRelay(TimeProvider time, ILogger<SignalRRelay> logger) : this(time, logger, RelayLimits.Default)
    {
    }

    internal SignalRRelay(TimeProvider time, ILogger<SignalRRelay> logger, RelayLimits limits)
    {
        _time = time;
        _logger = logger;
        _limits = limits;
        Address = $"@clusterhost-relay-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}";
        _accepts = new SocketAcceptLoop(SocketAcceptLoop.ListenAbstract(Address, SocketType.Stream), (socket, _) => ServeAsync(socket));
        _accepts.Start();
    }

    /// <summary>The address workers connect to ('@' = abstract socket).</summary>
    public string Address { get; }

    private CancellationToken Stopping => _accepts.Stopping;

    /// <summary>The counters of every slot that has had a worker on the relay, by slot.</summary>
    public IReadOnlyList<RelaySlotStats> Stats => [.. _stats.Values.OrderBy(s => s.WorkerId)];

    /// <summary>Accepts a hello with <paramref name="token"/> from <paramref name="pid"/> as slot <paramref name="workerId"/> until <paramref name="gone"/>.</summary>
    public void Expect(int workerId, string token, int pid, CancellationToken gone)
    {
        var expectation = (workerId, pid);
        _expected[token] = expectation;
        gone.UnsafeRegister(_ => _expected.TryRemove(KeyValuePair.Create(token, expectation)), null);
    }

    private async Task ServeAsync(Socket socket)
    {
        var peerCredentials = PeerCredentials.Get(socket);
        var pid = peerCredentials?.Pid ?? 0;
        if (peerCredentials is not { } credentials || credentials.Uid != OwnUid || !_expected.Values.Any(e => e.Pid == credentials.Pid))
        {
            Log.RelayRejected(_logger, pid, "not a worker this primary launched");
            socket.Dispose();
            return;
        }

        using var stream = new NetworkStream(socket, ownsSocket: false);
        var workerId = await ReceiveHelloAsync(stream, pid).ConfigureAwait(false);
        if (workerId is not { } id)
        {
            socket.Dispose();
            return;
        }

        var stats = _stats.GetOrAdd(id, slot => new RelaySlotStats(slot));
        var peer = new RelayPeer(id, socket, stats, _limits, _logger);
        if (_peers.TryGetValue(id, out var previous))
        {
            await previous.DisposeAsync().ConfigureAwait(false); // the slot's earlier worker: replaced
        }
        _peers[id] = peer;
        stats.SetConnected(true);
        Log.RelayJoined(_logger, id, pid);
        try
        {
            while (await RelayFrame.ReadAsync(stream, Stopping).ConfigureAwait(false) is { } frame)
            {
                stats.Received(frame.Length);
                Forward(id, frame);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidDataException or OperationCanceledException)
        {
            if (!Stopping.IsCancellationRequested)
            {
                Log.RelayConnectionFailed(_logger, id, e);
            }
        }
        finally
        {
            if (_peers.TryRemove(KeyValuePair.Create(id, peer)))
            {
                stats.SetConnected(false);
            }
            await peer.DisposeAsync().ConfigureAwait(false);
            Log.RelayLeft(_logger, id);
        }
    }

    private void Forward(int sender, byte[] frame)
    {
        var target = RelayFrame.Peer(frame);
        RelayFrame.Stamp(frame, sender);
        if (target == RelayFrame.Everyone)
        {
            foreach (var (id, peer) in _peers)
            {
                if (id != sender)
                {
                    peer.Enqueue(frame);
                }
            }
        }
        else if (target != sender && _peers.TryGetValue(target, out var peer))
        {
            peer.Enqueue(frame);
        }
    }

    // The first frame: the worker's slot and its launch token. Null when refused.
    private async Task<int?> ReceiveHelloAsync(NetworkStream stream, int pid)
    {
        using var timeout = new CancellationTokenSource(HelloTimeout, _time);
        using var helloOrStop = CancellationTokenSource.CreateLinkedTokenSource(Stopping, timeout.Token);
        byte[]? hello;
        try
        {
            hello = await RelayFrame.ReadAsync(stream, helloOrStop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException or OperationCanceledException)
        {
            Log.RelayRejected(_logger, pid, "no valid hello");
            return null;
        }
        if (hello is null || hello.Length > RelayFrame.HeaderBytes + 256)
        {
            Log.RelayRejected(_logger, pid, "no valid hello");
            return null;
        }
        var token = Encoding.UTF8.GetString(RelayFrame.Payload(hello).Span);
        var workerId = RelayFrame.Peer(hello);
        if (!_expected.TryGetValue(token, out var expected) || expected.Pid != pid || expected.WorkerId != workerId)
        {
            Log.RelayRejected(_logger, pid, "its hello does not match a launch");
            return null;
        }
        return workerId;
    }

    /// <summary>Stops accepting, closes every connection, and returns once every task it started has ended.</summary>
    public async ValueTask DisposeAsync()
    {
        await _accepts.StopAcceptingAsync().ConfigureAwait(false);
        foreach (var peer in _peers.Values)
        {
            peer.Close();
        }
        await _accepts.DisposeAsync().ConfigureAwait(false);
    }
}
