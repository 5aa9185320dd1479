using System.Net;
using ClusterHost.Primary.Configuration;

namespace ClusterHost.Primary.Tests.Configuration;

public sealed class ListenUrlParserTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("http://127.0.0.1:8080/", "127.0.0.1", 8080)]
    [InlineData("http://[::1]:9000", "::1", 9000)]
    [InlineData("http://10.0.0.1", "10.0.0.1", 80)]
    [InlineData("HTTP://127.0.0.1:0", "127.0.0.1", 0)]
    public void IpUrls_ParseToOneAddress(string url, string address, int port)
    {
        var errors = new List<string>();

        var parsed = Assert.Single(ListenUrlParser.Parse(url, errors));

        Assert.Empty(errors);
        Assert.Equal(IPAddress.Parse(address), Assert.Single(parsed.Addresses));
        Assert.Equal(port, parsed.Port);
    }

    [Fact]
    public void Localhost_IsBothLoopbacks()
    {
        var parsed = Assert.Single(ListenUrlParser.Parse("http://localhost:5000", new List<string>()));

        Assert.Contains(IPAddress.Loopback, parsed.Addresses);
    }

    [Theory]
    [InlineData("http://*:5000")]
    [InlineData("http://+:5000")]
    public void Wildcards_BindEveryAddress(string url)
    {
        var parsed = Assert.Single(ListenUrlParser.Parse(url, new List<string>()));

        Assert.True(parsed.Addresses[0].Equals(IPAddress.IPv6Any) || parsed.Addresses[0].Equals(IPAddress.Any));
    }

    [Fact]
    public void SeveralUrls_AreSeparatedBySemicolons()
    {
        Assert.Equal(2, ListenUrlParser.Parse("http://127.0.0.1:1; http://127.0.0.1:2", new List<string>()).Count);
    }

    [Theory]
    [InlineData("https://127.0.0.1:443", "https is not supported")]
    [InlineData("ftp://127.0.0.1:21", "scheme 'ftp' is not supported")]
    [InlineData("http://example.com:80", "host must be an IP address, localhost or *")]
    [InlineData("http://127.0.0.1:70000", "port must be from 0 to 65535")]
    [InlineData("http://127.0.0.1:80/app", "a path is not supported")]
    [InlineData("127.0.0.1:80", "not a URL")]
    [InlineData("", "names no URL")]
    [InlineData("http://127.0.0.1:80;http://127.0.0.1:80", "lists 'http://127.0.0.1:80' twice")]
    public void BadUrls_AreRejectedWithTheReason(string urls, string expected)
    {
        var errors = new List<string>();

        ListenUrlParser.Parse(urls, errors);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }
}
