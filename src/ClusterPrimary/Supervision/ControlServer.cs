using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using ClusterHost.Control;
using ClusterHost.Primary.Platform;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// The primary's end of the control channels: one abstract Unix socket that every worker
/// connects to at start. A connection is accepted only from the launched process itself (its
/// pid, from SO_PEERCRED) presenting that launch's secret token.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed partial class ControlServer : IAsyncDisposable
{
    internal static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _listener;
    private readonly ConcurrentDictionary<string, WorkerProcess> _expected = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;
    private readonly ILogger<ControlServer> _logger;
    private readonly Task _acceptLoop;

    public ControlServer(TimeProvider time, ILogger<ControlServer> logger)
    {
        _time = time;
        _logger = logger;
        Address = $"@clusterhost-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}";
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(ControlAddress.ToEndPoint(Address));
        _listener.Listen(512);
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The address workers connect to ('@' = abstract socket).</summary>
    public string Address { get; }

    /// <summary>Accept this process's hello; forgotten when it exits.</summary>
    public void Expect(WorkerProcess process)
    {
        _expected[process.Token] = process;
        process.Exited.ContinueWith(_ => _expected.TryRemove(process.Token, out WorkerProcess? _), TaskScheduler.Default);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                continue;
            }
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var channel = new ControlChannel(socket);
        var peerPid = PeerCredentials.GetPeerPid(socket);

        ControlMessage? hello;
        using (var helloTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            helloTimeout.CancelAfter(HelloTimeout);
            try
            {
                hello = await channel.ReceiveAsync(helloTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                hello = null;
            }
        }

        if (hello is not { Type: ControlMessageTypes.Hello, Token: { } token } || !_expected.TryGetValue(token, out var worker))
        {
            Log.ControlRejected(_logger, peerPid ?? 0, "no valid hello");
            return;
        }
        if (peerPid is { } pid && pid != worker.Pid)
        {
            Log.ControlRejected(_logger, pid, $"the token belongs to pid {worker.Pid}");
            return;
        }

        worker.Attach(channel);
        try
        {
            while (await channel.ReceiveAsync(_stopping.Token).ConfigureAwait(false) is { } message)
            {
                worker.OnMessage(message, _time.GetTimestamp());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
