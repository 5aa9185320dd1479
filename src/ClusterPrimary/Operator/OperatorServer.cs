using System.Net.Sockets;
using System.Runtime.Versioning;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Hosting;
using ClusterHost.Primary.Platform;
using ClusterHost.Primary.Status;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Operator;

/// <summary>
/// The operator's control socket (<c>--control-socket</c>): a Unix socket, mode 0600
/// (<see cref="OperatorSocketBinder"/>), that accepts only peers whose uid (SO_PEERCRED) is the
/// primary's or root's. Each connection carries one request (<see cref="OperatorMessage"/>) and
/// its replies (<see cref="OperatorCommands"/>). There is no TCP control listener.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class OperatorServer(
    ClusterHostConfig config,
    OperatorCommands commands,
    ClusterStatusSource status,
    TimeProvider time,
    ILogger<OperatorServer> logger) : IAsyncDisposable
{
    /// <summary>How long a client may take to send its request: 10 s.</summary>
    internal static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The longest request line: 4 KiB.</summary>
    internal const int MaxRequestBytes = 4096;

    private readonly uint _ownUid = Interop.GetEUid();
    private SocketAcceptLoop? _accepts;
    private int _disposed;

    /// <summary>The socket's path while it listens; null when off.</summary>
    public string? Path { get; private set; }

    /// <summary>Creates the socket and accepts; nothing when <c>--control-socket none</c>.</summary>
    /// <exception cref="ClusterStartupException">Another primary listens on the path, or it cannot be created.</exception>
    public void Start()
    {
        if (config.ControlSocket is not { } path)
        {
            return;
        }
        if (config.ControlSocketIsDefault && OperatorSocketBinder.IsListening(path))
        {
            // Another primary of the same app runs from the same directory (on other ports): it
            // keeps the default socket; this one runs without rather than refusing to start.
            Log.OperatorSocketTaken(logger, path);
            return;
        }
        Socket listener;
        try
        {
            listener = OperatorSocketBinder.Bind(path);
        }
        catch (ClusterStartupException) when (config.ControlSocketIsDefault && OperatorSocketBinder.IsListening(path))
        {
            // The same, when that primary started at the same moment and bound it first.
            Log.OperatorSocketTaken(logger, path);
            return;
        }
        _accepts = new SocketAcceptLoop(listener, ServeAsync);
        Path = path;
        status.ControlSocket = path;
        Log.OperatorListening(logger, path);
        _accepts.Start();
    }

    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        using var channel = new OperatorChannel(socket, MaxRequestBytes);
        var uid = PeerCredentials.GetPeerUid(socket);
        var pid = PeerCredentials.GetPeerPid(socket) ?? 0;
        try
        {
            if (uid is not { } peer || (peer != _ownUid && peer != 0))
            {
                Log.OperatorRefused(logger, pid, uid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown", _ownUid);
                await channel.SendAsync(new DoneReply(false, $"refused: this primary accepts only uid {_ownUid} and root"), stopping).ConfigureAwait(false);
                // Let the client read the answer before the connection goes: read (and drop) what it
                // sends until it closes, briefly, so its own send does not fail first.
                using var linger = new CancellationTokenSource(TimeSpan.FromSeconds(1), time);
                try
                {
                    channel.Socket.Shutdown(SocketShutdown.Send);
                    var buffer = new byte[512];
                    while (await channel.Socket.ReceiveAsync(buffer, SocketFlags.None, linger.Token).ConfigureAwait(false) > 0)
                    {
                    }
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                }
                return;
            }
            OperatorMessage? request;
            using (var deadline = new CancellationTokenSource(RequestTimeout, time))
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token))
            {
                try
                {
                    request = await channel.ReceiveAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (InvalidDataException e)
                {
                    await channel.SendAsync(new DoneReply(false, $"bad request: {e.Message}"), stopping).ConfigureAwait(false);
                    return;
                }
            }
            if (request is null)
            {
                return;
            }
            Log.OperatorRequest(logger, request.GetType().Name, pid);
            await commands.ExecuteAsync(request, reply => channel.SendAsync(reply, stopping), stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.OperatorConnectionFailed(logger, pid, e);
        }
    }

    /// <summary>Stops accepting, ends every connection, removes the socket file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _accepts is null)
        {
            return;
        }
        await _accepts.DisposeAsync().ConfigureAwait(false);
        if (Path is { } path)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
