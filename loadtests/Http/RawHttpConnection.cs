using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClusterHost.LoadTests.Http;

/// <summary>
/// Exactly one TCP connection speaking HTTP/1.1, one request at a time. Unlike an HttpClient
/// pool it never reconnects or retries behind the caller's back, so a request either ran on
/// this connection or failed on it: what the demonstrations need to say which worker owns a
/// connection and which requests a crash lost.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly HttpResponseReader _reader;
    private readonly string _host;
    private bool _closed;

    private RawHttpConnection(int id, Socket socket, string host)
    {
        Id = id;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new HttpResponseReader(_stream);
        _host = host;
        LocalPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>The runner's number for this connection, unique within a run.</summary>
    public int Id { get; }

    /// <summary>The client port: with the server's address and port, the 4-tuple the kernel hashes.</summary>
    public int LocalPort { get; }

    /// <summary>
    /// True when this connection cannot carry another request: a response said
    /// <c>Connection: close</c>, a request failed on it, or the server closed it while idle.
    /// </summary>
    public bool IsClosed
    {
        get
        {
            if (!_closed)
            {
                try
                {
                    // Readable with nothing to read: the peer sent FIN (or RST) while we were idle.
                    _closed = _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    _closed = true;
                }
            }
            return _closed;
        }
    }

    /// <summary>Connects to <paramref name="server"/> (its host must be an IP address or localhost).</summary>
    public static async Task<RawHttpConnection> OpenAsync(int id, Uri server, CancellationToken cancellationToken)
    {
        var address = server.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(server.Host.Trim('[', ']'));
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, server.Port), cancellationToken);
            return new RawHttpConnection(id, socket, server.Authority);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <c>GET <paramref name="pathAndQuery"/></c> and reads the whole response.</summary>
    /// <exception cref="IOException">The connection failed or closed before the response was complete.</exception>
    /// <exception cref="InvalidOperationException">The connection is closed already.</exception>
    public async Task<HttpResponse> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        if (_closed)
        {
            throw new InvalidOperationException($"connection {Id} is closed");
        }
        try
        {
            var request = Encoding.ASCII.GetBytes($"GET {pathAndQuery} HTTP/1.1\r\nHost: {_host}\r\nUser-Agent: clusterhost-loadtests\r\n\r\n");
            await _stream.WriteAsync(request, cancellationToken);
            var response = await _reader.ReadAsync(cancellationToken);
            _closed = response.ConnectionClose;
            return response;
        }
        catch
        {
            _closed = true;
            throw;
        }
    }

    /// <summary>True once a response said <c>Connection: close</c> or a request failed: what a client that never checks its socket goes by.</summary>
    public bool WillClose => _closed;

    /// <summary>
    /// Sends <c>POST <paramref name="pathAndQuery"/></c> with <paramref name="body"/>, in
    /// <paramref name="chunks"/> pieces <paramref name="pause"/> apart (a slow upload), and reads the whole response.
    /// </summary>
    /// <exception cref="IOException">The connection failed or closed before the response was complete.</exception>
    public async Task<HttpResponse> PostAsync(string pathAndQuery, ReadOnlyMemory<byte> body, int chunks, TimeSpan pause, CancellationToken cancellationToken)
    {
        if (_closed)
        {
            throw new InvalidOperationException($"connection {Id} is closed");
        }
        try
        {
            var head = Encoding.ASCII.GetBytes(
                $"POST {pathAndQuery} HTTP/1.1\r\nHost: {_host}\r\nUser-Agent: clusterhost-loadtests\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\n\r\n");
            await _stream.WriteAsync(head, cancellationToken);
            var chunk = (body.Length + chunks - 1) / Math.Max(1, chunks);
            for (var offset = 0; offset < body.Length; offset += chunk)
            {
                if (offset > 0)
                {
                    await Task.Delay(pause, cancellationToken);
                }
                await _stream.WriteAsync(body.Slice(offset, Math.Min(chunk, body.Length - offset)), cancellationToken);
            }
            var response = await _reader.ReadAsync(cancellationToken);
            _closed = response.ConnectionClose;
            return response;
        }
        catch
        {
            _closed = true;
            throw;
        }
    }

    public void Dispose()
    {
        _closed = true;
        _stream.Dispose();
    }
}
