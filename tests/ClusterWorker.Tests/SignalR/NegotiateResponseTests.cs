using System.Text;
using System.Text.Json.Nodes;
using ClusterHost.SignalR;
using ClusterHost.Worker.SignalR;

namespace ClusterHost.Worker.Tests.SignalR;

public sealed class NegotiateResponseTests
{
    private static readonly ConnectionTokenTag Tag = new(1, 4);

    [Fact]
    public void TryTag_Version1_TagsTheConnectionToken_AndKeepsTheConnectionIdTheHubSees()
    {
        var json = """{"negotiateVersion":1,"connectionId":"id123","connectionToken":"tok456","availableTransports":[{"transport":"WebSockets","transferFormats":["Text","Binary"]}]}""";

        var tagged = JsonNode.Parse(NegotiateResponse.TryTag(Encoding.UTF8.GetBytes(json), Tag)!)!;

        Assert.Equal("ch1-4.tok456", (string?)tagged["connectionToken"]);
        Assert.Equal("id123", (string?)tagged["connectionId"]);
        Assert.Equal(1, (int?)tagged["negotiateVersion"]);
        Assert.Equal("WebSockets", (string?)tagged["availableTransports"]![0]!["transport"]);
    }

    [Fact]
    public void TryTag_Version0_TagsTheConnectionId_WhichIsTheToken()
    {
        var json = """{"connectionId":"id123","availableTransports":[]}""";

        var tagged = JsonNode.Parse(NegotiateResponse.TryTag(Encoding.UTF8.GetBytes(json), Tag)!)!;

        Assert.Equal("ch1-4.id123", (string?)tagged["connectionId"]);
    }

    [Theory]
    [InlineData("""{"error":"Negotiate failed"}""")]
    [InlineData("""{"url":"https://service/client","accessToken":"x"}""")]
    [InlineData("""{"negotiateVersion":1,"connectionId":"id","connectionToken":"ch0-1.tok"}""")]
    [InlineData("""{"negotiateVersion":1}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""not json""")]
    public void TryTag_NotANegotiateAnswerWithAnUntaggedToken_IsNull(string json) =>
        Assert.Null(NegotiateResponse.TryTag(Encoding.UTF8.GetBytes(json), Tag));
}
