using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using ClusterHost.Control;
using ClusterHost.Handoff;
using ClusterHost.Primary.Platform;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Logging;
using ClusterHost.Primary.Hosting;

namespace ClusterHost.Primary.Balancing.Handoff;

/// <summary>
/// Where the workers' handoff sockets connect: one abstract SOCK_SEQPACKET socket. A connection
/// is kept only from a process of this user (SO_PEERCRED) whose first message, within
/// <see cref="HelloTimeout"/>, is the token of a launch expecting one (<see cref="Expect"/>); it
/// then becomes that launch's <see cref="HandoffChannel"/>. Anything else is closed.
/// </summary>
/// <remarks>
/// A socket of its own rather than the control socket's line protocol: handed descriptors and
/// acknowledgements flow on a channel where nothing else waits, and the control channel's
/// heartbeats and metrics never queue behind them.
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed class HandoffChannelServer : IAsyncDisposable
{
    /// <summary>How long a connection may take to present its token: 10 s, as on the control socket.</summary>
    internal static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    private static readonly uint OwnUid = Interop.GetEUid();

    private readonly ConcurrentDictionary<string, WorkerInstance> _expected = new(StringComparer.Ordinal);
    private readonly Func<WorkerInstance, Socket, Task> _attach;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SocketAcceptLoop _accepts;

    /// <param name="attach">Takes over a launch's proven socket; its task ends when the channel does.</param>
    /// <param name="time">The clock of the hello timeout.</param>
    /// <param name="logger">Where rejections are logged.</param>
    public HandoffChannelServer(Func<WorkerInstance, Socket, Task> attach, TimeProvider time, ILogger logger)
    {
        _attach = attach;
        _time = time;
        _logger = logger;
        Address = $"@clusterhost-{Environment.ProcessId}-handoff-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}";
        _accepts = new SocketAcceptLoop(SocketAcceptLoop.ListenAbstract(Address, SocketType.Seqpacket), (socket, _) => ServeAsync(socket));
        _accepts.Start();
    }

    /// <summary>The address the workers connect to ('@' = abstract socket).</summary>
    public string Address { get; }

    private CancellationToken Stopping => _accepts.Stopping;

    /// <summary>A new token that <paramref name="instance"/> presents; launches of its slot older than it that never connected are forgotten.</summary>
    public string Expect(WorkerInstance instance)
    {
        foreach (var (token, expected) in _expected)
        {
            if (expected.WorkerId == instance.WorkerId && expected.Generation < instance.Generation)
            {
                _expected.TryRemove(KeyValuePair.Create(token, expected));
            }
        }
        var fresh = Convert.ToHexString(RandomNumberGenerator.GetBytes(HandoffProtocol.TokenLength / 2));
        _expected[fresh] = instance;
        return fresh;
    }

    /// <summary>The launch left: its token is no longer accepted.</summary>
    public void Forget(WorkerInstance instance)
    {
        foreach (var (token, expected) in _expected)
        {
            if (expected == instance)
            {
                _expected.TryRemove(KeyValuePair.Create(token, expected));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        InlineSocketCompletions.TryEnable(socket);
        var peer = PeerCredentials.Get(socket);
        if (peer is not { } credentials || credentials.Uid != OwnUid)
        {
            Log.HandoffChannelRejected(_logger, peer?.Pid ?? 0, "not a process of this user");
            socket.Dispose();
            return;
        }
        WorkerInstance instance;
        try
        {
            var buffer = new byte[HandoffProtocol.TokenLength + 1];
            using var timeout = new CancellationTokenSource(HelloTimeout, _time);
            using var helloOrStop = CancellationTokenSource.CreateLinkedTokenSource(Stopping, timeout.Token);
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, helloOrStop.Token).ConfigureAwait(false);
            var token = read == HandoffProtocol.TokenLength ? Encoding.ASCII.GetString(buffer, 0, read) : null;
            if (token is null || !_expected.TryRemove(token, out instance))
            {
                Log.HandoffChannelRejected(_logger, credentials.Pid, "no launch's token");
                socket.Dispose();
                return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            Log.HandoffChannelRejected(_logger, credentials.Pid, $"no token within {HelloTimeout}");
            socket.Dispose();
            return;
        }
        await _attach(instance, socket).ConfigureAwait(false);
    }

    /// <summary>Stops accepting, closes every channel, and returns once every task it started has ended.</summary>
    public ValueTask DisposeAsync() => _accepts.DisposeAsync();
}
