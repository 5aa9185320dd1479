using System.Net.Sockets;

namespace ClusterHost.Primary.Hosting;

/// <summary>
/// Accepts connections on a listening socket and serves each on a task of its own. Disposing
/// it stops accepting, closes the listener, cancels <see cref="Stopping"/> and returns once the
/// accept loop and every connection's task have ended: nothing it started outlives it.
/// </summary>
internal sealed class SocketAcceptLoop : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<Socket, CancellationToken, Task> _serve;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Task> _connections = [];
    private Task _loop = Task.CompletedTask;
    private int _stopped;
    private int _disposed;

    /// <param name="listener">A bound, listening socket; the loop owns it from now on.</param>
    /// <param name="serve">Serves one accepted connection; owns the socket; must not throw.</param>
    public SocketAcceptLoop(Socket listener, Func<Socket, CancellationToken, Task> serve)
    {
        _listener = listener;
        _serve = serve;
    }

    /// <summary>A Unix socket listening on the abstract address <paramref name="address"/> ('@' first), backlog 512.</summary>
    public static Socket ListenAbstract(string address, SocketType type)
    {
        var listener = new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified);
        listener.Bind(ClusterHost.Control.ControlAddress.ToEndPoint(address));
        listener.Listen(512);
        return listener;
    }

    /// <summary>Cancelled when the loop is disposed.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts accepting.</summary>
    public void Start() => _loop = AcceptAsync();

    private async Task AcceptAsync()
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
            Track(_serve(socket, _stopping.Token));
        }
    }

    /// <summary>Another task a connection started (it must not throw): awaited too when the loop is disposed.</summary>
    public void Track(Task task)
    {
        lock (_gate)
        {
            _connections.RemoveAll(connection => connection.IsCompleted);
            _connections.Add(task);
        }
    }

    /// <summary>Stops accepting (cancels <see cref="Stopping"/>, closes the listener) and waits for the accept loop; connections go on.</summary>
    public async Task StopAcceptingAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            _listener.Dispose();
        }
        await _loop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await StopAcceptingAsync().ConfigureAwait(false);
        Task[] connections;
        lock (_gate)
        {
            connections = [.. _connections];
        }
        await Task.WhenAll(connections).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
