using System.Text;
using ClusterHost.LoadTests.Http;

namespace ClusterHost.LoadTests.Tests.Http;

public sealed class HttpResponseReaderTests
{
    private static HttpResponseReader Reader(string bytes) => new(new MemoryStream(Encoding.ASCII.GetBytes(bytes)));

    [Fact]
    public async Task ReadAsync_ChunkedBody_IsJoined()
    {
        var reader = Reader("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n3;ext=1\r\n12}\r\n0\r\n\r\n");

        var response = await reader.ReadAsync(CancellationToken.None);

        Assert.Equal(200, response.Status);
        Assert.Equal("{\"a\":12}", response.Body);
        Assert.False(response.ConnectionClose);
    }

    [Fact]
    public async Task ReadAsync_ContentLength_ThenTheNextResponseOnTheSameConnection()
    {
        var reader = Reader("HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nbadHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");

        var first = await reader.ReadAsync(CancellationToken.None);
        var second = await reader.ReadAsync(CancellationToken.None);

        Assert.Equal((400, "bad"), (first.Status, first.Body));
        Assert.Equal((404, ""), (second.Status, second.Body));
    }

    [Fact]
    public async Task ReadAsync_ConnectionClose_ReadsTheBodyToTheEnd()
    {
        var response = await Reader("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it").ReadAsync(CancellationToken.None);

        Assert.True(response.ConnectionClose);
        Assert.Equal("all of it", response.Body);
    }

    [Fact]
    public async Task ReadAsync_ResponseLargerThanTheBuffer_IsReadWhole()
    {
        var body = new string('x', 100_000);
        var response = await Reader($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}").ReadAsync(CancellationToken.None);

        Assert.Equal(body, response.Body);
    }

    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Len")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")]
    public async Task ReadAsync_StreamEndsEarly_ThrowsIOException(string bytes)
    {
        await Assert.ThrowsAsync<IOException>(() => Reader(bytes).ReadAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH\r\n\r\n")]
    [InlineData("HTTP/1.1 abc OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\n\r\nbody without length")]
    public async Task ReadAsync_NotHttp_ThrowsInvalidDataException(string bytes)
    {
        await Assert.ThrowsAsync<InvalidDataException>(() => Reader(bytes).ReadAsync(CancellationToken.None));
    }
}
