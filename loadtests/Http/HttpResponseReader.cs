using System.Globalization;
using System.Text;

namespace ClusterHost.LoadTests.Http;

/// <summary>
/// Reads HTTP/1.1 responses, one after another, from one connection's stream: the status line,
/// the headers the runner needs (Content-Length, Transfer-Encoding: chunked, Connection), and
/// the body. Bytes read past one response are kept for the next.
/// </summary>
internal sealed class HttpResponseReader(Stream stream)
{
    /// <summary>Upper bound of a status line plus headers.</summary>
    public const int MaxHeaderBytes = 64 * 1024;

    /// <summary>Upper bound of a body; the SampleApp's answers are well under 1 KB.</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    private byte[] _buffer = new byte[8 * 1024];
    private int _start;
    private int _end;

    /// <exception cref="IOException">The connection ended before the response was complete.</exception>
    /// <exception cref="InvalidDataException">The bytes are not an HTTP/1.1 response.</exception>
    public async Task<HttpResponse> ReadAsync(CancellationToken cancellationToken)
    {
        var head = await ReadLineBlockAsync(cancellationToken);
        var lines = head.Split("\r\n");
        var status = ParseStatusLine(lines[0]);
        long? contentLength = null;
        var chunked = false;
        var close = false;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"malformed header line '{line}'");
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length <= MaxBodyBytes
                    ? length
                    : throw new InvalidDataException($"unusable Content-Length '{value}'");
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.EndsWith("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                close = value.Contains("close", StringComparison.OrdinalIgnoreCase);
            }
        }

        byte[] body;
        if (status is >= 100 and < 200 or 204 or 304)
        {
            body = [];
        }
        else if (chunked)
        {
            body = await ReadChunkedAsync(cancellationToken);
        }
        else if (contentLength is { } length)
        {
            body = await ReadExactlyAsync((int)length, cancellationToken);
        }
        else if (close)
        {
            body = await ReadToEndAsync(cancellationToken);
        }
        else
        {
            throw new InvalidDataException("a response with a body but neither Content-Length, chunked encoding nor Connection: close");
        }
        return new HttpResponse(status, close, Encoding.UTF8.GetString(body));
    }

    private static int ParseStatusLine(string line)
    {
        // "HTTP/1.1 200 OK"
        var parts = line.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status is < 100 or > 999)
        {
            throw new InvalidDataException($"malformed status line '{line}'");
        }
        return status;
    }

    /// <summary>Reads up to and including an empty line; returns what came before it, without the final CRLFs.</summary>
    private async Task<string> ReadLineBlockAsync(CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var index = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf("\r\n\r\n"u8);
            if (index >= 0)
            {
                var text = Encoding.ASCII.GetString(_buffer, _start, scanned + index);
                _start += scanned + index + 4;
                return text;
            }
            scanned = Math.Max(0, _end - _start - 3);
            if (_end - _start >= MaxHeaderBytes)
            {
                throw new InvalidDataException($"response headers longer than {MaxHeaderBytes} bytes");
            }
            if (!await FillAsync(cancellationToken))
            {
                throw ClosedEarly();
            }
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (index >= 0)
            {
                var text = Encoding.ASCII.GetString(_buffer, _start, index);
                _start += index + 2;
                return text;
            }
            if (_end - _start >= MaxHeaderBytes)
            {
                throw new InvalidDataException("a chunk-size line too long");
            }
            if (!await FillAsync(cancellationToken))
            {
                throw ClosedEarly();
            }
        }
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(cancellationToken);
            var sizeText = sizeLine.Split(';', 2)[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0
                || body.Length + size > MaxBodyBytes)
            {
                throw new InvalidDataException($"unusable chunk size '{sizeLine}'");
            }
            if (size == 0)
            {
                // Trailers, if any, end with an empty line.
                while ((await ReadLineAsync(cancellationToken)).Length > 0)
                {
                }
                return body.ToArray();
            }
            body.Write(await ReadExactlyAsync(size, cancellationToken));
            if ((await ReadLineAsync(cancellationToken)).Length != 0)
            {
                throw new InvalidDataException("a chunk not followed by CRLF");
            }
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_end == _start && !await FillAsync(cancellationToken))
            {
                throw ClosedEarly();
            }
            var take = Math.Min(count - copied, _end - _start);
            Buffer.BlockCopy(_buffer, _start, result, copied, take);
            _start += take;
            copied += take;
        }
        return result;
    }

    private async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        do
        {
            body.Write(_buffer, _start, _end - _start);
            _start = _end;
            if (body.Length > MaxBodyBytes)
            {
                throw new InvalidDataException($"a body longer than {MaxBodyBytes} bytes");
            }
        }
        while (await FillAsync(cancellationToken));
        return body.ToArray();
    }

    /// <summary>Reads more bytes after those buffered; false at the end of the stream.</summary>
    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
        }
        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read > 0;
    }

    private static IOException ClosedEarly() => new("the server closed the connection before the response was complete");
}
