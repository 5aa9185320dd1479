using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ClusterHost.Control;

/// <summary>
/// A connected control socket: newline-delimited JSON <see cref="ControlMessage"/>s both ways.
/// Sends are serialized by a lock (they are rare and tiny); one reader at a time.
/// </summary>
internal sealed class ControlChannel : IDisposable
{
    private readonly Socket _socket;
    private readonly StreamReader _reader;
    private readonly Stream _stream;
    private readonly Lock _sendLock = new();

    public ControlChannel(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
    }

    public Socket Socket => _socket;

    /// <summary>Sends one message; false when the peer is gone.</summary>
    public bool TrySend(ControlMessage message)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(message, ControlJsonContext.Default.ControlMessage);
        try
        {
            lock (_sendLock)
            {
                _stream.Write(line);
                _stream.WriteByte((byte)'\n');
            }
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            return false;
        }
    }

    /// <summary>Blocks for the next message; null at end of stream (the peer is gone).</summary>
    public ControlMessage? Receive()
    {
        while (true)
        {
            string? line;
            try
            {
                line = _reader.ReadLine();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
                return null;
            }
            if (line is null)
            {
                return null;
            }
            if (Parse(line) is { } message)
            {
                return message;
            }
        }
    }

    /// <summary>Awaits the next message; null at end of stream (the peer is gone).</summary>
    public async ValueTask<ControlMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
                return null;
            }
            if (line is null)
            {
                return null;
            }
            if (Parse(line) is { } message)
            {
                return message;
            }
        }
    }

    // A malformed line is skipped, not fatal: the channel carries only our own messages, and a
    // newer worker may send types this primary does not know.
    private static ControlMessage? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlMessage);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }
}
