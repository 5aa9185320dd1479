using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Threading.Channels;
using ClusterHost.Handoff;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// Kestrel's listener for one handed-off endpoint: its accept returns the connections the
/// primary handed for that endpoint, each made a Kestrel connection by Kestrel's own socket
/// transport (<see cref="SocketConnectionContextFactory"/>), as Kestrel's socket listener does
/// with a socket it accepted. The primary hears "accepted" before a byte is read.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class HandoffConnectionListener(
    HandoffEndPoint endPoint, HandoffReceiver receiver, SocketConnectionContextFactory factory, bool noDelay, ConnectionTracker connections)
    : IConnectionListener
{
    // Taking a connection and closing are one step each: once Close returns, every connection
    // taken is in the tracker (the drain waits for it), and every other one was given back.
    private readonly Lock _gate = new();

    private readonly Channel<(uint Id, Socket Socket)> _queue =
        Channel.CreateUnbounded<(uint, Socket)>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });

    public HandoffEndPoint EndPoint { get; } = endPoint;

    EndPoint IConnectionListener.EndPoint => EndPoint;

    /// <summary>Queues a handed connection; false once the listener is closed (the caller gives it back).</summary>
    public bool TryEnqueue(uint id, Socket socket) => _queue.Writer.TryWrite((id, socket));

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            lock (_gate)
            {
                if (!_queue.Reader.TryRead(out var handed))
                {
                    continue;
                }
                // Before Create, which starts reading: an unacknowledged connection was never read.
                receiver.Reply(HandoffReply.Accepted, handed.Id);
                try
                {
                    handed.Socket.NoDelay = noDelay;
                }
                catch (SocketException)
                {
                    // Already reset by the client; Kestrel sees it closed.
                }
                var connection = factory.Create(handed.Socket);
                connections.Accepted(connection);
                return connection;
            }
        }
        return null; // closed: Kestrel's accept loop ends, as on unbind
    }

    /// <summary>Takes no more connections and gives back the ones queued; Kestrel's pending accept returns null.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (!_queue.Writer.TryComplete())
            {
                return;
            }
            while (_queue.Reader.TryRead(out var handed))
            {
                handed.Socket.Dispose();
                receiver.Reply(HandoffReply.Returned, handed.Id);
            }
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        Close();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        factory.Dispose();
        return ValueTask.CompletedTask;
    }
}
