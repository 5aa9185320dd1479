using System.Buffers;
using System.Net.Sockets;
using System.Text.Json;

namespace ClusterHost.Control;

/// <summary>
/// A connected control socket: <see cref="ControlMessage"/>s both ways, one JSON object per
/// '\n'-terminated line, each at most <see cref="MaxLineBytes"/> long. Sends are serialized by a
/// lock (they are rare and small); one reader at a time.
/// </summary>
internal sealed class ControlChannel : IDisposable
{
    /// <summary>
    /// The default line limit: 16 MiB, room for a worker's metrics snapshot at its series cap
    /// on a few instruments, while a peer cannot make the other side buffer without bound.
    /// </summary>
    public const int DefaultMaxLineBytes = 16 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly ControlLineReader _reader;
    private readonly Lock _sendLock = new();

    public ControlChannel(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new ControlLineReader(_stream);
    }

    public Socket Socket => _socket;

    /// <summary>
    /// The longest line, in UTF-8 bytes without its '\n', this side sends or accepts. Defaults to
    /// <see cref="DefaultMaxLineBytes"/>. A longer incoming line is dropped
    /// (<see cref="ControlReadStatus.TooLong"/>); a longer outgoing one is not sent
    /// (<see cref="ControlSendResult.TooLong"/>).
    /// </summary>
    public int MaxLineBytes
    {
        get => _reader.MaxLineBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _reader.MaxLineBytes = value;
        }
    }

    /// <summary>See <see cref="ControlLineReader.ReadThroughLongLines"/>.</summary>
    public bool ReadThroughLongLines
    {
        get => _reader.ReadThroughLongLines;
        set => _reader.ReadThroughLongLines = value;
    }

    /// <summary>Sends one message; false when it was not sent (see <see cref="Send"/>).</summary>
    public bool TrySend(ControlMessage message) => Send(message) == ControlSendResult.Sent;

    /// <summary>Sends one message as one line.</summary>
    public ControlSendResult Send(ControlMessage message)
    {
        // The line and its '\n' in one buffer: one write, one syscall.
        var line = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(line))
        {
            JsonSerializer.Serialize(writer, message, ControlJsonContext.Default.ControlMessage);
        }
        if (line.WrittenCount > MaxLineBytes)
        {
            return ControlSendResult.TooLong;
        }
        line.Write("\n"u8);
        try
        {
            lock (_sendLock)
            {
                _stream.Write(line.WrittenSpan);
            }
            return ControlSendResult.Sent;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            return ControlSendResult.Closed;
        }
    }

    /// <summary>Blocks for the next message, skipping lines that are not one; null once the peer is gone.</summary>
    public ControlMessage? Receive()
    {
        while (true)
        {
            var read = Read();
            if (read.Status is ControlReadStatus.Message or ControlReadStatus.Closed)
            {
                return read.Message;
            }
        }
    }

    /// <summary>Awaits the next message, skipping lines that are not one; null once the peer is gone.</summary>
    public async ValueTask<ControlMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (read.Status is ControlReadStatus.Message or ControlReadStatus.Closed)
            {
                return read.Message;
            }
        }
    }

    /// <summary>Blocks for the next line and tells what it held.</summary>
    public ControlRead Read()
    {
        ControlReadStatus status;
        ReadOnlyMemory<byte> line;
        try
        {
            status = _reader.ReadLine(out line);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            return ControlRead.Closed;
        }
        return status == ControlReadStatus.Message ? Parse(line.Span) : new ControlRead(status);
    }

    /// <summary>Awaits the next line and tells what it held.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<ControlRead> ReadAsync(CancellationToken cancellationToken)
    {
        ControlReadStatus status;
        ReadOnlyMemory<byte> line;
        try
        {
            (status, line) = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            return ControlRead.Closed;
        }
        return status == ControlReadStatus.Message ? Parse(line.Span) : new ControlRead(status);
    }

    // A malformed line is skipped by Receive, not fatal: the channel carries only our own
    // messages, and a newer peer may send types this side does not know.
    private static ControlRead Parse(ReadOnlySpan<byte> line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlMessage) is { } message
                ? new ControlRead(ControlReadStatus.Message, message)
                : new ControlRead(ControlReadStatus.Malformed);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return new ControlRead(ControlReadStatus.Malformed);
        }
    }

    public void Dispose() => _stream.Dispose();
}
