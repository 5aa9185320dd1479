using ClusterHost.SignalR;

namespace ClusterHost.Primary.Tests.Shared.SignalR;

public sealed class ConnectionTokenTagTests
{
    private const string Token = "Ab3_-xYz0123456789abcd";

    [Fact]
    public void Apply_ThenTryParse_GivesTheLaunchAndTheOriginalToken()
    {
        var tagged = new ConnectionTokenTag(3, 17).Apply(Token);

        Assert.Equal("ch3-17." + Token, tagged);
        Assert.True(ConnectionTokenTag.TryParse(tagged, out var tag, out var token));
        Assert.Equal(new ConnectionTokenTag(3, 17), tag);
        Assert.Equal(Token, token.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(Token)]
    [InlineData("ch3." + Token)]
    [InlineData("ch-3." + Token)]
    [InlineData("ch3-." + Token)]
    [InlineData("chx-1." + Token)]
    [InlineData("ch3-1.")]
    [InlineData("ch3-1.a.b")]
    [InlineData("ch3-1.a+b")]
    [InlineData("1.2.3")]
    [InlineData("ch99999999999-1." + Token)]
    public void TryParse_AnythingButATaggedToken_IsFalse(string value) =>
        Assert.False(ConnectionTokenTag.TryParse(value, out _, out _));

    [Theory]
    [InlineData("?id=ch1-5.tok", "?id=tok")]
    [InlineData("?a=1&id=ch1-5.tok&b=2", "?a=1&id=tok&b=2")]
    [InlineData("?userid=x&id=ch1-5.tok", "?userid=x&id=tok")]
    public void TryFind_TaggedId_FindsTheLaunch_AndStripLeavesSignalRsToken(string query, string stripped)
    {
        Assert.True(ConnectionTokenTag.TryFind(query, out var tag, out var start, out var length));

        Assert.Equal(new ConnectionTokenTag(1, 5), tag);
        Assert.Equal(stripped, ConnectionTokenTag.Strip(query, start, length));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("?id=tok")]
    [InlineData("?userid=ch1-5.tok")]
    [InlineData("?negotiateVersion=1")]
    [InlineData("?id=1.2.3")]
    public void TryFind_NoTaggedId_IsFalse(string? query) =>
        Assert.False(ConnectionTokenTag.TryFind(query, out _, out _, out _));
}
