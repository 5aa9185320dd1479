namespace ClusterHost.Control;

/// <summary>
/// Splits a stream into '\n'-terminated lines of at most a given length, in UTF-8 bytes. A longer
/// line is read through to its end without being kept, and reported once as too long; memory stays
/// bounded by the limit whatever the peer sends. One reader at a time; a line returned is valid
/// until the next read.
/// </summary>
internal sealed class ControlLineReader(Stream stream)
{
    private const int InitialBufferBytes = 4096;

    private byte[] _buffer = [];
    private int _start;  // first byte not yet returned
    private int _end;    // end of the bytes read
    private int _scanned; // bytes in [_start, _scanned) hold no '\n'
    private bool _discarding; // inside a line already known to be too long

    /// <summary>The longest line accepted, without its '\n'. Defaults to <see cref="ControlChannel.DefaultMaxLineBytes"/>.</summary>
    public int MaxLineBytes { get; set; } = ControlChannel.DefaultMaxLineBytes;

    /// <summary>
    /// True (the default): a line over the limit is read through to its '\n' and reported then.
    /// False: reported as soon as it passes the limit, without reading the rest (for a peer not
    /// yet trusted, whose connection is closed next).
    /// </summary>
    public bool ReadThroughLongLines { get; set; } = true;

    /// <summary>Blocks for the next line; <see cref="ControlReadStatus.Closed"/> at end of stream.</summary>
    public ControlReadStatus ReadLine(out ReadOnlyMemory<byte> line)
    {
        while (true)
        {
            if (TryTakeLine(out line) is { } status)
            {
                return status;
            }
            var read = stream.Read(PrepareForRead().Span);
            if (OnRead(read, out line) is { } atEnd)
            {
                return atEnd;
            }
        }
    }

    /// <summary>Awaits the next line; <see cref="ControlReadStatus.Closed"/> at end of stream.</summary>
    public async ValueTask<(ControlReadStatus Status, ReadOnlyMemory<byte> Line)> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTakeLine(out var line) is { } status)
            {
                return (status, line);
            }
            var read = await stream.ReadAsync(PrepareForRead(), cancellationToken).ConfigureAwait(false);
            if (OnRead(read, out line) is { } atEnd)
            {
                return (atEnd, line);
            }
        }
    }

    // A complete line in the buffer, or null when more bytes are needed.
    private ControlReadStatus? TryTakeLine(out ReadOnlyMemory<byte> line)
    {
        line = default;
        var newline = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
        if (newline < 0)
        {
            _scanned = _end;
            if (!ReadThroughLongLines && _end - _start > MaxLineBytes)
            {
                _start = _end = _scanned = 0;
                return ControlReadStatus.TooLong;
            }
            if (_discarding || _end - _start > MaxLineBytes)
            {
                // Too long already: drop what is buffered and keep reading to the line's end.
                _discarding = true;
                _start = _end = _scanned = 0;
            }
            return null;
        }

        var lineEnd = _scanned + newline;
        var tooLong = _discarding || lineEnd - _start > MaxLineBytes;
        if (!tooLong)
        {
            line = _buffer.AsMemory(_start, lineEnd - _start);
        }
        _discarding = false;
        _start = _scanned = lineEnd + 1;
        return tooLong ? ControlReadStatus.TooLong : ControlReadStatus.Message;
    }

    // Room to read into: unread bytes moved to the front, the buffer grown up to the limit.
    private Memory<byte> PrepareForRead()
    {
        if (_start > 0)
        {
            var pending = _end - _start;
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            _scanned -= _start;
            _start = 0;
            _end = pending;
        }
        if (_end == _buffer.Length)
        {
            var capacity = (int)Math.Min((long)MaxLineBytes + 1, Math.Max(InitialBufferBytes, 2L * _buffer.Length));
            Array.Resize(ref _buffer, Math.Max(capacity, _end + 1));
        }
        return _buffer.AsMemory(_end);
    }

    // At end of stream a last line without '\n' still counts, as StreamReader.ReadLine has it.
    private ControlReadStatus? OnRead(int read, out ReadOnlyMemory<byte> line)
    {
        line = default;
        if (read > 0)
        {
            _end += read;
            return null;
        }
        var tail = _end - _start;
        var status = _discarding ? ControlReadStatus.TooLong
            : tail == 0 ? ControlReadStatus.Closed
            : tail > MaxLineBytes ? ControlReadStatus.TooLong
            : ControlReadStatus.Message;
        if (status == ControlReadStatus.Message)
        {
            line = _buffer.AsMemory(_start, tail);
        }
        _discarding = false;
        _start = _end = _scanned = 0;
        return status;
    }
}
