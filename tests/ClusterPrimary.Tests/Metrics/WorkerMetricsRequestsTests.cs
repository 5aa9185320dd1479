using ClusterHost.Control;
using ClusterHost.Metrics;
using ClusterHost.Primary.Metrics;

namespace ClusterHost.Primary.Tests.Metrics;

public sealed class WorkerMetricsRequestsTests
{
    private readonly WorkerMetricsRequests _requests = new();
    private readonly List<ControlMessage> _sent = [];

    private bool Send(ControlMessage message)
    {
        _sent.Add(message);
        return true;
    }

    private static ControlMessage Answer(long? id, string version = "1.0") =>
        new() { Type = ControlMessageTypes.Metrics, Id = id, Metrics = new WorkerMetricsSnapshot { AppVersion = version } };

    [Fact]
    public async Task Answer_CompletesTheRequestWithTheSameId()
    {
        var request = _requests.Request(Send);

        var sent = Assert.Single(_sent);
        Assert.Equal(ControlMessageTypes.MetricsRequest, sent.Type);
        _requests.OnResponse(Answer(sent.Id));

        Assert.Equal("1.0", (await request)!.AppVersion);
        Assert.Equal("1.0", _requests.AppVersion);
    }

    [Fact]
    public void WhileARequestIsUnanswered_NoSecondOneIsSent()
    {
        var first = _requests.Request(Send);
        var second = _requests.Request(Send);

        Assert.Single(_sent);
        Assert.Same(first, second);
        Assert.False(first.IsCompleted);
    }

    [Fact]
    public async Task LateAnswer_ToAnEarlierRequest_IsIgnored()
    {
        _ = _requests.Request(Send);
        _requests.OnResponse(Answer(_sent[0].Id));
        var second = _requests.Request(Send);

        _requests.OnResponse(Answer(_sent[0].Id, "stale"));
        Assert.False(second.IsCompleted);
        _requests.OnResponse(Answer(_sent[1].Id, "fresh"));

        Assert.Equal("fresh", (await second)!.AppVersion);
        Assert.NotEqual(_sent[0].Id, _sent[1].Id);
    }

    [Fact]
    public async Task Close_CompletesThePendingRequestWithNull_AndLaterOnesAtOnce()
    {
        var pending = _requests.Request(Send);

        _requests.Close();

        Assert.Null(await pending);
        Assert.Null(await _requests.Request(Send));
        Assert.Single(_sent);
    }

    [Fact]
    public async Task FailedSend_CompletesWithNull()
    {
        Assert.Null(await _requests.Request(_ => false));
    }

    [Fact]
    public async Task AnswerWithoutMetrics_CompletesWithNull()
    {
        var request = _requests.Request(Send);

        _requests.OnResponse(new ControlMessage { Type = ControlMessageTypes.Metrics, Id = _sent[0].Id, Message = "callback failed" });

        Assert.Null(await request);
    }
}
