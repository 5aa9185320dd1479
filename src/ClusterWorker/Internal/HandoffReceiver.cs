using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using ClusterHost.Control;
using ClusterHost.Handoff;
using ClusterHost.Platform;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// The worker's end of its handoff socket (<see cref="HandoffProtocol"/>): receives the
/// connections the primary hands it, on a thread of its own, and queues each on the listener of
/// its endpoint; answers for each whether Kestrel took it or it was given back.
/// </summary>
/// <remarks>
/// Once <see cref="StopAccepting"/> has run (the drain, Kestrel's stop), the primary is told to
/// send no more, every queued connection is given back, and so is any that was already on its
/// way: each goes to another worker, unread.
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed class HandoffReceiver : IDisposable
{
    private readonly Socket _socket;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, HandoffConnectionListener> _listeners = [];
    private bool _stopped;

    private HandoffReceiver(Socket socket) => _socket = socket;

    /// <summary>
    /// Connects to the primary's handoff socket and presents the launch's token; receiving starts
    /// at once (a connection for an endpoint not bound yet is given back).
    /// </summary>
    /// <exception cref="InvalidOperationException">The primary is unreachable.</exception>
    public static HandoffReceiver Connect(string handoff)
    {
        var parts = handoff.Split(' ', 2);
        var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            socket.Connect(ControlAddress.ToEndPoint(parts[0]));
            socket.Send(Encoding.ASCII.GetBytes(parts.Length > 1 ? parts[1] : string.Empty));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new InvalidOperationException($"ClusterWorker: cannot reach the primary's handoff socket ({e.SocketErrorCode}); the primary is gone.", e);
        }
        var receiver = new HandoffReceiver(socket);
        new Thread(receiver.ReceiveLoop) { IsBackground = true, Name = "ClusterHost handoff" }.Start();
        return receiver;
    }

    /// <summary>Kestrel bound <paramref name="listener"/>: connections for its endpoint go to it.</summary>
    public void Register(HandoffConnectionListener listener)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                listener.Close();
                return;
            }
            _listeners[listener.EndPoint.Index] = listener;
        }
    }

    /// <summary>Takes no more connections: the primary is told, every listener closes and gives back what it queued.</summary>
    public void StopAccepting()
    {
        HandoffConnectionListener[] listeners;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            listeners = [.. _listeners.Values];
            _listeners.Clear();
        }
        Reply(HandoffReply.Leaving, 0);
        foreach (var listener in listeners)
        {
            listener.Close();
        }
    }

    /// <summary>Tells the primary what became of connection <paramref name="id"/>; nothing when the primary is gone.</summary>
    public void Reply(HandoffReply reply, uint id)
    {
        Span<byte> message = stackalloc byte[HandoffProtocol.MessageLength];
        HandoffProtocol.WriteReply(message, reply, id);
        try
        {
            _socket.Send(message);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The primary is gone; the worker learns it from the control channel.
        }
    }

    private void ReceiveLoop()
    {
        var message = new byte[HandoffProtocol.MessageLength];
        while (true)
        {
            int read;
            SafeSocketHandle? descriptor;
            try
            {
                read = ScmRights.Receive(_socket.SafeHandle, message, out descriptor);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            if (read == 0)
            {
                descriptor?.Dispose();
                return; // the primary is gone
            }
            if (descriptor is null || read != HandoffProtocol.MessageLength)
            {
                descriptor?.Dispose();
                continue;
            }
            var (id, index) = HandoffProtocol.ReadHandoff(message);
            Socket socket;
            try
            {
                socket = new Socket(descriptor);
            }
            catch (SocketException)
            {
                descriptor.Dispose();
                Reply(HandoffReply.Returned, id);
                continue;
            }
            HandoffConnectionListener? listener;
            lock (_gate)
            {
                listener = _stopped ? null : _listeners.GetValueOrDefault(index);
            }
            if (listener is null || !listener.TryEnqueue(id, socket))
            {
                socket.Dispose();
                Reply(HandoffReply.Returned, id);
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
