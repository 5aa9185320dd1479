using System.Net;
using System.Net.Sockets;
using System.Text;
using ClusterHost.LoadTests.Http;

namespace ClusterHost.LoadTests.Tests.Http;

/// <summary>Against a scripted server on a loopback socket: what the connection reports when the server goes away.</summary>
public sealed class RawHttpConnectionTests : IDisposable
{
    private static readonly byte[] Answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public RawHttpConnectionTests() => _listener.Start();

    private Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    [Fact]
    public async Task GetAsync_SendsOneRequestPerCall_OnOneConnection()
    {
        using var connection = await RawHttpConnection.OpenAsync(7, Url, CancellationToken.None);
        using var server = await _listener.AcceptSocketAsync();

        for (var i = 0; i < 3; i++)
        {
            var request = Task.Run(() => connection.GetAsync("/path?x=1", CancellationToken.None));
            var received = await ReceiveRequestAsync(server);
            Assert.StartsWith("GET /path?x=1 HTTP/1.1\r\nHost: 127.0.0.1:", received, StringComparison.Ordinal);
            await server.SendAsync(Answer);
            Assert.Equal("ok", (await request).Body);
        }
        Assert.Equal(7, connection.Id);
        Assert.Equal(((IPEndPoint)server.RemoteEndPoint!).Port, connection.LocalPort);
        Assert.False(connection.IsClosed);
    }

    [Fact]
    public async Task IsClosed_AfterTheServerClosesAnIdleConnection_IsTrue()
    {
        using var connection = await RawHttpConnection.OpenAsync(1, Url, CancellationToken.None);
        using (var server = await _listener.AcceptSocketAsync())
        {
            Assert.False(connection.IsClosed);
        }

        await WaitUntilAsync(() => connection.IsClosed);
    }

    [Fact]
    public async Task GetAsync_ServerDiesWithTheRequestInFlight_ThrowsIOException_AndTheConnectionIsClosed()
    {
        using var connection = await RawHttpConnection.OpenAsync(1, Url, CancellationToken.None);
        using var server = await _listener.AcceptSocketAsync();

        var request = connection.GetAsync("/", CancellationToken.None);
        await ReceiveRequestAsync(server);
        server.LingerState = new LingerOption(true, 0); // close with RST, as a killed process's socket does
        server.Close();

        await Assert.ThrowsAnyAsync<IOException>(() => request);
        Assert.True(connection.IsClosed);
        await Assert.ThrowsAsync<InvalidOperationException>(() => connection.GetAsync("/", CancellationToken.None));
    }

    [Fact]
    public async Task GetAsync_ConnectionCloseHeader_ClosesTheConnectionAfterTheAnswer()
    {
        using var connection = await RawHttpConnection.OpenAsync(1, Url, CancellationToken.None);
        using var server = await _listener.AcceptSocketAsync();

        var request = connection.GetAsync("/", CancellationToken.None);
        await ReceiveRequestAsync(server);
        await server.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));

        Assert.True((await request).ConnectionClose);
        Assert.True(connection.IsClosed);
    }

    private static async Task<string> ReceiveRequestAsync(Socket server)
    {
        var buffer = new byte[4096];
        var text = "";
        while (!text.EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await server.ReceiveAsync(buffer);
            Assert.True(read > 0, "the client closed before sending a whole request");
            text += Encoding.ASCII.GetString(buffer, 0, read);
        }
        return text;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 10 s");
            await Task.Delay(10);
        }
    }

    public void Dispose() => _listener.Stop();
}
