using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using ClusterHost.Control;
using ClusterHost.Primary.Hosting;
using ClusterHost.Primary.Metrics;
using ClusterHost.Primary.Platform;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Control;

/// <summary>
/// The primary's end of the control channels: one abstract Unix socket that every worker
/// connects to at start. A connection is accepted only from the launched process itself (its
/// pid, from SO_PEERCRED) presenting that launch's secret token in a hello, its first line,
/// within <see cref="HelloTimeout"/>; anything else closes it.
/// </summary>
/// <remarks>
/// An abstract socket has no file permissions: any local process in the network namespace can
/// connect. So a peer of another user, or whose pid is no launch awaiting its hello, is closed
/// before a byte is read; at most <see cref="MaxPendingConnections"/> connections wait for their
/// hello, each holding no thread (asynchronous reads) and at most <see cref="HelloMaxLineBytes"/>
/// of buffer (a longer first line is refused as soon as it passes the limit, not read through).
/// Every rejection is logged once per cause per minute (<see cref="ControlRejectionLog"/>).
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed class ControlServer : IAsyncDisposable
{
    /// <summary>How long a connection may take to say hello: 10 s.</summary>
    internal static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The longest first line accepted, before the peer has proved who it is: 4 KiB.</summary>
    internal const int HelloMaxLineBytes = 4096;

    /// <summary>Connections that may wait for their hello at once; more are closed at accept: 64.</summary>
    internal const int MaxPendingConnections = 64;

    private static readonly uint OwnUid = Interop.GetEUid();

    private readonly ConcurrentDictionary<string, (WorkerControlEndpoint Endpoint, int Pid)> _expected = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger<ControlServer> _logger;
    private readonly SocketAcceptLoop _accepts;
    private readonly ControlRejectionLog _rejections;
    private readonly AppRegistryExposition? _appRegistries;
    private int _pending;

    /// <param name="time">Timestamps of the workers' messages.</param>
    /// <param name="logger">Rejections and failures.</param>
    /// <param name="appRegistries">Answers a worker's <see cref="ClusterMetricsRequestMessage"/>; without it, the answer says none is available.</param>
    public ControlServer(TimeProvider time, ILogger<ControlServer> logger, AppRegistryExposition? appRegistries = null)
    {
        _time = time;
        _logger = logger;
        _appRegistries = appRegistries;
        _rejections = new ControlRejectionLog(time, logger);
        Address = $"@clusterhost-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}";
        _accepts = new SocketAcceptLoop(SocketAcceptLoop.ListenAbstract(Address, SocketType.Stream), (socket, _) => ServeAsync(socket));
        _accepts.Start();
    }

    private CancellationToken Stopping => _accepts.Stopping;

    /// <summary>The address workers connect to ('@' = abstract socket).</summary>
    public string Address { get; }

    /// <summary>Connections rejected so far, for <paramref name="cause"/>.</summary>
    internal int RejectedCount(ControlRejection cause) => _rejections.Count(cause);

    /// <summary>
    /// Accept a hello with <paramref name="endpoint"/>'s token from <paramref name="pid"/>, and
    /// attach its connection to the endpoint; forgotten once the endpoint closes.
    /// </summary>
    public void Expect(WorkerControlEndpoint endpoint, int pid)
    {
        var expectation = (endpoint, pid);
        _expected[endpoint.Token] = expectation;
        endpoint.Closed.UnsafeRegister(_ => _expected.TryRemove(KeyValuePair.Create(endpoint.Token, expectation)), null);
    }

    private async Task ServeAsync(Socket socket)
    {
        var peer = PeerCredentials.Get(socket);
        var peerPid = peer?.Pid ?? 0;
        if (Screen(peer) is { } refused)
        {
            _rejections.Rejected(refused.Cause, peerPid, refused.Reason);
            socket.Dispose();
            return;
        }
        var pending = true;
        try
        {
            using var channel = new ControlChannel(socket) { MaxLineBytes = HelloMaxLineBytes, ReadThroughLongLines = false };
            var hello = await ReceiveHelloAsync(channel, peerPid).ConfigureAwait(false);
            Interlocked.Decrement(ref _pending);
            pending = false;
            if (hello is null)
            {
                return;
            }
            if (!_expected.TryGetValue(hello.Token, out var expected))
            {
                _rejections.Rejected(ControlRejection.WrongToken, peerPid, "unknown token");
                return;
            }
            if (peerPid != expected.Pid)
            {
                _rejections.Rejected(ControlRejection.PidMismatch, peerPid, $"the token belongs to pid {expected.Pid}");
                return;
            }

            channel.MaxLineBytes = ControlChannel.DefaultMaxLineBytes;
            channel.ReadThroughLongLines = true;
            expected.Endpoint.Attach(channel);
            await ReceiveMessagesAsync(channel, expected, peerPid).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.ControlConnectionFailed(_logger, peerPid, e);
        }
        finally
        {
            if (pending)
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    // Before reading a byte: the peer's user, its pid, and room among the connections awaiting
    // a hello. Null when it may speak (and it then counts as pending).
    private (ControlRejection Cause, string Reason)? Screen((int Pid, uint Uid)? peer)
    {
        if (peer is not { } credentials)
        {
            return (ControlRejection.UnknownProcess, "SO_PEERCRED unavailable");
        }
        if (credentials.Uid != OwnUid)
        {
            return (ControlRejection.ForeignUser, $"it runs as uid {credentials.Uid}, not {OwnUid}");
        }
        if (!_expected.Values.Any(e => e.Pid == credentials.Pid))
        {
            return (ControlRejection.UnknownProcess, "not a worker this primary launched");
        }
        if (Interlocked.Increment(ref _pending) > MaxPendingConnections)
        {
            Interlocked.Decrement(ref _pending);
            return (ControlRejection.TooManyPending, $"{MaxPendingConnections} connections already await their hello");
        }
        return null;
    }

    // The first line must be a hello, within HelloTimeout; null when the peer is rejected.
    private async Task<HelloMessage?> ReceiveHelloAsync(ControlChannel channel, int peerPid)
    {
        using var timeout = new CancellationTokenSource(HelloTimeout, _time);
        using var helloOrStop = CancellationTokenSource.CreateLinkedTokenSource(Stopping, timeout.Token);
        ControlRead first;
        try
        {
            first = await channel.ReadAsync(helloOrStop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !Stopping.IsCancellationRequested)
        {
            _rejections.Rejected(ControlRejection.Silent, peerPid, $"no hello within {HelloTimeout}");
            return null;
        }

        if (first.Message is HelloMessage hello)
        {
            return hello;
        }
        var (cause, reason) = first.Status switch
        {
            ControlReadStatus.Closed => (ControlRejection.ClosedEarly, "closed before its hello"),
            ControlReadStatus.Malformed => (ControlRejection.Garbage, "its first line is not a control message"),
            ControlReadStatus.TooLong => (ControlRejection.TooLong, $"its first line exceeds {HelloMaxLineBytes} bytes"),
            _ => (ControlRejection.NotHello, $"its first message is {first.Message!.GetType().Name}, not a hello"),
        };
        _rejections.Rejected(cause, peerPid, reason);
        return null;
    }

    private async Task ReceiveMessagesAsync(ControlChannel channel, (WorkerControlEndpoint Endpoint, int Pid) expected, int pid)
    {
        while (true)
        {
            var read = await channel.ReadAsync(Stopping).ConfigureAwait(false);
            switch (read.Status)
            {
                case ControlReadStatus.Message when read.Message is ClusterMetricsRequestMessage request:
                    // Answered off this loop: the merge asks this very worker for its metrics,
                    // and the answer comes in on this channel.
                    _accepts.Track(AnswerClusterMetricsAsync(channel, request.Id, pid));
                    break;
                case ControlReadStatus.Message:
                    expected.Endpoint.OnMessage(read.Message!, _time.GetTimestamp());
                    break;
                case ControlReadStatus.Closed:
                    return;
                default:
                    // Skipped, not fatal: a newer worker may send types this primary does not know.
                    Log.ControlLineSkipped(_logger, pid, read.Status);
                    break;
            }
        }
    }

    private async Task AnswerClusterMetricsAsync(ControlChannel channel, long id, int pid)
    {
        ClusterMetricsMessage answer;
        if (_appRegistries is null)
        {
            answer = new ClusterMetricsMessage { Id = id, Message = "this primary merges no registries" };
        }
        else
        {
            try
            {
                answer = new ClusterMetricsMessage { Id = id, Text = await _appRegistries.WriteAsync().WaitAsync(Stopping).ConfigureAwait(false) };
            }
            catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.AppRegistryMergeFailed(_logger, pid, e);
                answer = new ClusterMetricsMessage { Id = id, Message = $"the cluster's metrics could not be merged: {e.Message}" };
            }
        }
        if (channel.Send(answer) == ControlSendResult.TooLong)
        {
            channel.Send(new ClusterMetricsMessage { Id = id, Message = "the cluster's merged metrics exceed the control channel's line limit" });
        }
    }

    /// <summary>Stops accepting, closes every connection, and returns once every task it started has ended.</summary>
    public ValueTask DisposeAsync() => _accepts.DisposeAsync();
}
