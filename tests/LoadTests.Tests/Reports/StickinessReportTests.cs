using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Reports;
using static ClusterHost.LoadTests.Tests.TestUtilities.Requests;

namespace ClusterHost.LoadTests.Tests.Reports;

public sealed class StickinessReportTests
{
    private static readonly ConnectionRecord[] Connections = [.. Enumerable.Range(1, 4).Select(i => new ConnectionRecord(i, 40000 + i, "keep-alive", 0))];

    [Fact]
    public void Compute_EachConnectionOnOneWorker_IsSticky_AndTheVerdictSaysSo()
    {
        RequestRecord[] requests =
        [
            .. Loop(1, 0, 0, 20, 1, 0.5), .. Loop(2, 1, 0, 20, 1, 0.5), .. Loop(3, 1, 0, 20, 1, 0.5),
            .. Enumerable.Range(0, 40).Select(i => Answered(100 + i, 100 + i, 1, i % 4 == 0 ? 0 : 1, kind: RequestKind.Fresh)),
        ];

        var report = StickinessReport.Compute(Connections, requests, workers: 2, mode: "reuseport");

        Assert.True(report.EveryConnectionSticky);
        Assert.Equal([new WorkerCount(0, 20)], report.KeepAlive[0].Workers);
        Assert.Equal(40001, report.KeepAlive[0].LocalPort);
        Assert.Equal([new WorkerCount(0, 10), new WorkerCount(1, 30)], report.Fresh);
        Assert.Equal(
            "each of 3 keep-alive connections stayed on one worker (workers 0,1 across them); 40 fresh connections reached 2 of 2 workers (0: 10, 1: 30)",
            report.Verdict);
    }

    [Fact]
    public void Compute_ConnectionServedBySeveralWorkers_IsNotSticky()
    {
        RequestRecord[] requests =
        [
            .. Enumerable.Range(0, 20).Select(i => Answered(1, i, 0.5, i % 2)),
            .. Loop(2, 1, 0, 20, 1, 0.5),
            Answered(10, 30, 1, 0, kind: RequestKind.Fresh),
        ];

        var report = StickinessReport.Compute(Connections, requests, workers: null, mode: null);

        Assert.False(report.EveryConnectionSticky);
        Assert.StartsWith("1 of 2 keep-alive connections were served by several workers (up to 2 each)", report.Verdict, StringComparison.Ordinal);
        Assert.Contains("1 fresh connections reached 1 workers (0: 1)", report.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_FailedRequests_AreCountedInTheVerdict()
    {
        RequestRecord[] requests = [.. Loop(1, 0, 0, 5, 1, 0.5), Lost(1, 6, 1), Lost(9, 10, 1, RequestKind.Fresh)];

        var report = StickinessReport.Compute(Connections, requests, 2, "reuseport");

        Assert.Equal(1, report.KeepAlive[0].Failed);
        Assert.Equal(1, report.FreshFailed);
        Assert.EndsWith("; 2 requests failed", report.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteTo_EndsWithTheVerdict()
    {
        var report = StickinessReport.Compute(Connections, [.. Loop(1, 0, 0, 5, 1, 0.5)], 2, "reuseport");
        var writer = new StringWriter();

        report.WriteTo(writer);

        var lines = writer.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal($"verdict: {report.Verdict}", lines[^1]);
        Assert.Contains(lines, l => l.Contains("worker 0 x5", StringComparison.Ordinal));
    }
}
