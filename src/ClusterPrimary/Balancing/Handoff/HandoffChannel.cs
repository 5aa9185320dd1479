using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.Versioning;
using ClusterHost.Handoff;
using ClusterHost.Platform;
using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Balancing.Handoff;

/// <summary>
/// The primary's end of one launch's handoff socket (<see cref="HandoffProtocol"/>): sends
/// connections (SCM_RIGHTS, without blocking), keeps each until the worker acknowledges it, and
/// reads the worker's replies. When the socket closes (the worker exited) the connections it
/// never acknowledged are given back through <see cref="IHandoffSink.ChannelClosed"/>.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class HandoffChannel(WorkerInstance instance, Socket socket, IHandoffSink sink) : IDisposable
{
    private readonly ConcurrentDictionary<uint, HandedConnection> _unacknowledged = new();
    private int _closed;

    public WorkerInstance Instance { get; } = instance;

    /// <summary>Sends <paramref name="connection"/> as <paramref name="id"/>; kept until acknowledged when sent.</summary>
    public ScmSendResult Send(HandedConnection connection, uint id)
    {
        // Recorded first: the acknowledgement may be read before Send returns.
        _unacknowledged[id] = connection;
        ScmSendResult result;
        try
        {
            result = Volatile.Read(ref _closed) != 0
                ? ScmSendResult.Closed
                : SendLocked(connection, id);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            result = ScmSendResult.Closed;
        }
        if (result != ScmSendResult.Sent && !_unacknowledged.TryRemove(id, out _))
        {
            // The socket closed meanwhile and Close took the connection with the others: it is the sink's now.
            return ScmSendResult.Sent;
        }
        return result;
    }

    private ScmSendResult SendLocked(HandedConnection connection, uint id) => connection.Send(descriptor =>
    {
        Span<byte> message = stackalloc byte[HandoffProtocol.MessageLength];
        HandoffProtocol.WriteHandoff(message, id, connection.EndpointIndex);
        return ScmRights.Send(socket.SafeHandle, message, descriptor);
    });

    /// <summary>Reads the worker's replies until its socket closes.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[HandoffProtocol.MessageLength];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                if (read != HandoffProtocol.MessageLength)
                {
                    continue; // not ours to understand: a newer worker's message
                }
                var (reply, id) = HandoffProtocol.ReadReply(buffer);
                switch (reply)
                {
                    case HandoffReply.Accepted when _unacknowledged.TryRemove(id, out var accepted):
                        sink.Accepted(Instance, accepted);
                        break;
                    case HandoffReply.Returned when _unacknowledged.TryRemove(id, out var returned):
                        sink.Returned(Instance, returned);
                        break;
                    case HandoffReply.Leaving:
                        sink.Leaving(Instance);
                        break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            Close();
        }
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        socket.Dispose();
        // A Send racing with this either saw _closed or its entry is taken here.
        var orphans = new List<HandedConnection>();
        foreach (var id in _unacknowledged.Keys)
        {
            if (_unacknowledged.TryRemove(id, out var connection))
            {
                orphans.Add(connection);
            }
        }
        sink.ChannelClosed(Instance, orphans);
    }

    public void Dispose() => socket.Dispose();
}
