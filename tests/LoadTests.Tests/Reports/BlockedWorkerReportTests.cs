using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Reports;
using static ClusterHost.LoadTests.Tests.TestUtilities.Requests;

namespace ClusterHost.LoadTests.Tests.Reports;

public sealed class BlockedWorkerReportTests
{
    // Worker 1 blocked from 1.0 s to 4.0 s; connections 1 and 2 belong to worker 0, 3 and 4 to worker 1.
    private static readonly RequestRecord Block = Answered(9, 1000, 3000, 1, kind: RequestKind.Block, path: "/block?ms=3000");

    internal static IReadOnlyList<RequestRecord> ReusePortRun(double othersDurationMs = 2)
    {
        var requests = new List<RequestRecord>();
        foreach (var connection in new[] { 1, 2 })
        {
            requests.Add(Answered(connection, 0, 1, 0, kind: RequestKind.Probe));
            requests.AddRange(Loop(connection, 0, 20, 5000, 20, othersDurationMs));
        }
        foreach (var connection in new[] { 3, 4 })
        {
            requests.Add(Answered(connection, 0, 1, 1, kind: RequestKind.Probe));
            requests.AddRange(Loop(connection, 1, 20, 1000, 20, 2));
            requests.Add(Answered(connection, 1010, 2990, 1)); // stuck behind the block
            requests.AddRange(Loop(connection, 1, 4020, 5000, 20, 2));
        }
        requests.Add(Block);
        return requests;
    }

    [Fact]
    public void Compute_ReusePort_BlockedWorkersConnectionsStall_OthersDoNot()
    {
        var report = BlockedWorkerReport.Compute(ReusePortRun(), Block, 3000, 20, workers: 2, mode: "reuseport");

        Assert.Equal(1, report.BlockedWorker);
        Assert.Equal(1001, report.BlockedPid);
        Assert.True(report.Sticky);
        Assert.Equal(2990, report.StallMs);
        Assert.Equal(new LatencyStats(300, 2, 2, 2), report.Others);
        Assert.Equal([new ConnectionStall(3, 1, 2990), new ConnectionStall(4, 1, 2990)], report.BlockedConnections);
        var blocked = report.Rows.Single(r => r.Worker == 1);
        Assert.Equal(2, blocked.Connections);
        Assert.Equal(2, blocked.During.Count);
        Assert.Equal(2, blocked.AnsweredDuring);
        Assert.Equal(300, report.Rows.Single(r => r.Worker == 0).AnsweredDuring);
        Assert.Equal("connections owned by worker 1 stalled 3.0 s; worker 0 p99 2.0 ms (300 requests during the 3.0 s block)", report.Verdict);
    }

    [Fact]
    public void Compute_OthersSlowToo_TheVerdictSaysSo()
    {
        var report = BlockedWorkerReport.Compute(ReusePortRun(othersDurationMs: 400), Block, 3000, 20, 2, "reuseport");

        Assert.EndsWith(": the other workers slowed too", report.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_RequestLevelBalancing_SpeaksOfRequestsNotConnections()
    {
        // One connection answered by both workers, as in proxy mode.
        RequestRecord[] requests =
        [
            Answered(1, 0, 1, 0, kind: RequestKind.Probe),
            Answered(1, 500, 2, 1), Answered(1, 1010, 2990, 1), Answered(1, 4010, 2, 0),
            .. Loop(2, 0, 0, 5000, 20, 3),
            Block,
        ];

        var report = BlockedWorkerReport.Compute(requests, Block, 3000, 20, 2, "proxy");

        Assert.False(report.Sticky);
        Assert.StartsWith("requests sent to worker 1 stalled up to 3.0 s; worker 0 p99 3.0 ms", report.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_NoRequestReachedTheBlockedWorker_SaysSo()
    {
        RequestRecord[] requests = [.. Loop(1, 0, 0, 5000, 20, 3), Block];

        var report = BlockedWorkerReport.Compute(requests, Block, 3000, 20, 2, "proxy");

        Assert.StartsWith("no request reached worker 1 during its block; worker 0 p99", report.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_UnansweredBlock_Throws()
    {
        Assert.Throws<ArgumentException>(() => BlockedWorkerReport.Compute([], Lost(9, 1000, 5), 3000, 20, 2, null));
    }

    [Fact]
    public void WriteTo_MarksTheBlockedWorker_AndEndsWithTheVerdict()
    {
        var report = BlockedWorkerReport.Compute(ReusePortRun(), Block, 3000, 20, 2, "reuseport");
        var writer = new StringWriter();

        report.WriteTo(writer);

        var text = writer.ToString();
        Assert.Contains("1 (blocked)", text, StringComparison.Ordinal);
        Assert.Contains("longest request on each connection of worker 1: #3 3.0 s, #4 3.0 s", text, StringComparison.Ordinal);
        Assert.EndsWith($"verdict: {report.Verdict}{Environment.NewLine}", text, StringComparison.Ordinal);
    }
}
