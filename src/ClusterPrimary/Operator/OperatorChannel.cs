using System.Buffers;
using System.Net.Sockets;
using System.Text.Json;
using ClusterHost.Control;

namespace ClusterHost.Primary.Operator;

/// <summary>
/// A connected operator socket: <see cref="OperatorMessage"/>s both ways, one JSON object per
/// '\n'-terminated line (split by the worker protocol's <see cref="ControlLineReader"/>), each at
/// most <see cref="MaxLineBytes"/> long.
/// </summary>
internal sealed class OperatorChannel : IDisposable
{
    /// <summary>The longest line accepted: 4 MiB (a status with its history and events is far below).</summary>
    public const int MaxLineBytes = 4 * 1024 * 1024;

    private readonly Stream _stream;
    private readonly ControlLineReader _reader;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public OperatorChannel(Socket socket, int maxLineBytes = MaxLineBytes)
    {
        Socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new ControlLineReader(_stream) { MaxLineBytes = maxLineBytes };
    }

    public Socket Socket { get; }

    /// <summary>Sends one message as one line; false when the peer is gone.</summary>
    public async Task<bool> SendAsync(OperatorMessage message, CancellationToken cancellationToken)
    {
        var line = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(line))
        {
            JsonSerializer.Serialize(writer, message, OperatorJsonContext.Default.OperatorMessage);
        }
        line.Write("\n"u8);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(line.WrittenMemory, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The next message; null once the peer is gone. A line that is not a message throws <see cref="InvalidDataException"/>.</summary>
    public async Task<OperatorMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        ControlReadStatus status;
        ReadOnlyMemory<byte> line;
        try
        {
            (status, line) = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            return null;
        }
        switch (status)
        {
            case ControlReadStatus.Closed:
                return null;
            case ControlReadStatus.TooLong:
                throw new InvalidDataException("a line is too long");
        }
        try
        {
            return JsonSerializer.Deserialize(line.Span, OperatorJsonContext.Default.OperatorMessage)
                ?? throw new InvalidDataException("a line is null");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new InvalidDataException($"a line is not an operator message: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _sendLock.Dispose();
    }
}
