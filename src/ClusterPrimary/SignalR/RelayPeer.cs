using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.SignalR;

/// <summary>
/// One worker connected to the relay: the frames waiting for it, in the order they arrived, and
/// the loop that writes them. The queue is bounded in messages and bytes; a worker that does not
/// keep up (stopped, hung, or too slow) is dropped, never waited for: its socket is closed, what
/// waited is discarded, and the other workers go on. It rejoins when it connects again.
/// </summary>
internal sealed class RelayPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly RelaySlotStats _stats;
    private readonly RelayLimits _limits;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private long _queuedFrames;
    private long _queuedBytes;
    private int _closed;

    public RelayPeer(int workerId, Socket socket, RelaySlotStats stats, RelayLimits limits, ILogger logger)
    {
        WorkerId = workerId;
        _socket = socket;
        _stats = stats;
        _limits = limits;
        _logger = logger;
        _writer = WriteLoopAsync();
    }

    public int WorkerId { get; }

    /// <summary>Queues a whole frame for this worker; false when the worker is gone or was dropped for it.</summary>
    public bool Enqueue(byte[] frame)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return false;
        }
        var frames = Interlocked.Increment(ref _queuedFrames);
        var bytes = Interlocked.Add(ref _queuedBytes, frame.Length);
        _stats.Queued(frame.Length);
        if (frames > _limits.MaxQueuedFrames || bytes > _limits.MaxQueuedBytes)
        {
            _stats.Discarded(frame.Length);
            Interlocked.Decrement(ref _queuedFrames);
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            if (Close())
            {
                _stats.Dropped();
                Log.RelayWorkerDropped(_logger, WorkerId, (int)(frames - 1), bytes - frame.Length, _limits.MaxQueuedFrames, _limits.MaxQueuedBytes);
            }
            return false;
        }
        if (!_queue.Writer.TryWrite(frame))
        {
            Discard(frame);
            return false;
        }
        return true;
    }

    private async Task WriteLoopAsync()
    {
        await Task.Yield();
        var buffer = new byte[64 * 1024];
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                // Several small frames go out in one write; a large one on its own.
                var filled = 0;
                while (_queue.Reader.TryRead(out var frame))
                {
                    if (filled > 0 && filled + frame.Length > buffer.Length)
                    {
                        await SendAsync(buffer.AsMemory(0, filled)).ConfigureAwait(false);
                        filled = 0;
                    }
                    if (frame.Length > buffer.Length)
                    {
                        await SendAsync(frame).ConfigureAwait(false);
                    }
                    else
                    {
                        frame.CopyTo(buffer, filled);
                        filled += frame.Length;
                    }
                    Written(frame);
                }
                if (filled > 0)
                {
                    await SendAsync(buffer.AsMemory(0, filled)).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            Close();
        }
        while (_queue.Reader.TryRead(out var left))
        {
            Discard(left);
        }
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        while (data.Length > 0)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    private void Written(byte[] frame)
    {
        Interlocked.Decrement(ref _queuedFrames);
        Interlocked.Add(ref _queuedBytes, -frame.Length);
        _stats.Written(frame.Length);
    }

    private void Discard(byte[] frame)
    {
        Interlocked.Decrement(ref _queuedFrames);
        Interlocked.Add(ref _queuedBytes, -frame.Length);
        _stats.Discarded(frame.Length);
    }

    /// <summary>Closes the socket (the reader then sees the end); true for the first call.</summary>
    public bool Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return false;
        }
        _queue.Writer.TryComplete();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _socket.Dispose();
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        Close();
        await _writer.ConfigureAwait(false);
    }
}
