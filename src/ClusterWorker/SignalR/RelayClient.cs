using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using ClusterHost.Control;
using ClusterHost.Relay;
using ClusterHost.Worker.Internal;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Worker.SignalR;

/// <summary>
/// This worker's connection to the primary's SignalR relay (<see cref="RelayFrame"/>), shared by
/// every hub of the app: sends what the hubs publish, in order, and hands what the other workers
/// published to the hub it names. Connects when the first hub registers, and again after a
/// break (the primary drops a worker that does not keep up). Messages published while it is not
/// connected, or beyond its bounded queue, are lost: at most once, as with the Redis backplane.
/// </summary>
internal sealed class RelayClient : IAsyncDisposable
{
    /// <summary>How long to wait before connecting again after a break: 1 s.</summary>
    internal static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    /// <summary>Messages waiting to be sent to the primary, at most: 8192.</summary>
    internal const int MaxQueuedFrames = 8192;

    /// <summary>Bytes waiting to be sent to the primary, at most: 32 MiB.</summary>
    internal const long MaxQueuedBytes = 32L * 1024 * 1024;

    private readonly string _address;
    private readonly string _token;
    private readonly int _workerId;
    private readonly TimeProvider _time;
    private readonly ILogger<RelayClient> _logger;
    private readonly ConcurrentDictionary<string, IRelayHandler> _hubs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Channel<byte[]>? _queue;
    private long _queuedBytes;
    private int _queuedFrames;
    private Task? _run;
    private int _overflowLogged;

    public RelayClient(WorkerEnvironment environment, TimeProvider time, ILogger<RelayClient> logger)
    {
        _address = environment.SignalRRelayAddress ?? throw new InvalidOperationException("no SignalR relay address");
        _token = environment.Token;
        _workerId = environment.WorkerId;
        _time = time;
        _logger = logger;
    }

    /// <summary>This worker's slot: the sender number other workers see on its messages.</summary>
    public int WorkerId => _workerId;

    /// <summary>True while connected to the primary's relay.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _queue is not null;
            }
        }
    }

    /// <summary>Receives the relay's messages for <paramref name="hub"/>; the first registration connects.</summary>
    public void Register(string hub, IRelayHandler handler)
    {
        _hubs[hub] = handler;
        lock (_gate)
        {
            _run ??= Task.Run(RunAsync);
        }
    }

    /// <summary>
    /// Queues a payload for <paramref name="target"/> (a slot, or <see cref="RelayFrame.Everyone"/>).
    /// False when it cannot go: not connected, too large, or the queue is full.
    /// </summary>
    public bool Send(int target, ReadOnlySpan<byte> payload)
    {
        if (payload.Length + 4 > RelayFrame.MaxFrameBytes)
        {
            Log.RelayMessageTooLarge(_logger, _workerId, payload.Length, RelayFrame.MaxFrameBytes);
            return false;
        }
        var frame = RelayFrame.Build(target, payload);
        lock (_gate)
        {
            if (_queue is null)
            {
                return false;
            }
            if (_queuedFrames + 1 > MaxQueuedFrames || _queuedBytes + frame.Length > MaxQueuedBytes)
            {
                if (Interlocked.Exchange(ref _overflowLogged, 1) == 0)
                {
                    Log.RelayQueueFull(_logger, _workerId, MaxQueuedFrames, MaxQueuedBytes);
                }
                return false;
            }
            _queuedFrames++;
            _queuedBytes += frame.Length;
            return _queue.Writer.TryWrite(frame);
        }
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await ConnectAndServeAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The primary dropped this worker, or is restarting the relay: connect again.
                Log.RelayDisconnected(_logger, _workerId, e.Message);
            }
            try
            {
                await Task.Delay(ReconnectDelay, _time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ConnectAndServeAsync(CancellationToken token)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(ControlAddress.ToEndPoint(_address), token).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(RelayFrame.Build(_workerId, Encoding.UTF8.GetBytes(_token)), token).ConfigureAwait(false);

        var queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            _queue = queue;
            _queuedFrames = 0;
            _queuedBytes = 0;
            _overflowLogged = 0;
        }
        Log.RelayConnected(_logger, _workerId);
        using var broken = CancellationTokenSource.CreateLinkedTokenSource(token);
        var writer = WriteLoopAsync(stream, queue, broken.Token);
        try
        {
            await ReadLoopAsync(stream, broken.Token).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _queue = null;
            }
            queue.Writer.TryComplete();
            await broken.CancelAsync().ConfigureAwait(false);
            try
            {
                await writer.ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
        throw new IOException("the primary closed the relay connection");
    }

    private async Task WriteLoopAsync(NetworkStream stream, Channel<byte[]> queue, CancellationToken token)
    {
        var buffered = new BufferedStream(stream, 64 * 1024);
        while (await queue.Reader.WaitToReadAsync(token).ConfigureAwait(false))
        {
            while (queue.Reader.TryRead(out var frame))
            {
                lock (_gate)
                {
                    _queuedFrames--;
                    _queuedBytes -= frame.Length;
                }
                await buffered.WriteAsync(frame, token).ConfigureAwait(false);
            }
            await buffered.FlushAsync(token).ConfigureAwait(false);
        }
    }

    private async Task ReadLoopAsync(NetworkStream stream, CancellationToken token)
    {
        while (await RelayFrame.ReadAsync(stream, token).ConfigureAwait(false) is { } frame)
        {
            var sender = RelayFrame.Peer(frame);
            using var reader = new BinaryReader(new MemoryStream(frame, RelayFrame.HeaderBytes, frame.Length - RelayFrame.HeaderBytes, writable: false));
            var kind = (RelayMessageKind)reader.ReadByte();
            var hub = reader.ReadString();
            if (!_hubs.TryGetValue(hub, out var handler))
            {
                continue; // a hub this worker has not used yet: nothing of it to deliver here
            }
            try
            {
                await handler.OnRelayMessageAsync(sender, kind, reader).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.RelayMessageFailed(_logger, _workerId, kind, sender, e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task? run;
        lock (_gate)
        {
            run = _run;
        }
        if (run is not null)
        {
            await run.ConfigureAwait(false);
        }
        _stopping.Dispose();
    }
}
