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

    private long SentId(int index) => Assert.IsType<MetricsRequestMessage>(_sent[index]).Id;

    private static MetricsMessage Answer(long id, string version = "1.0") =>
        new() { Id = id, Metrics = new WorkerMetricsSnapshot { AppVersion = version } };

    [Fact]
    public async Task Answer_CompletesTheRequestWithTheSameId()
    {
        var request = _requests.Request(Send);

        var sent = Assert.IsType<MetricsRequestMessage>(Assert.Single(_sent));
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
        _requests.OnResponse(Answer(SentId(0)));
        var second = _requests.Request(Send);

        _requests.OnResponse(Answer(SentId(0), "stale"));
        Assert.False(second.IsCompleted);
        _requests.OnResponse(Answer(SentId(1), "fresh"));

        Assert.Equal("fresh", (await second)!.AppVersion);
        Assert.NotEqual(SentId(0), SentId(1));
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

        _requests.OnResponse(new MetricsMessage { Id = SentId(0), Message = "callback failed" });

        Assert.Null(await request);
    }
}
