using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Reports;

namespace ClusterHost.LoadTests.Tests.Reports;

public sealed class MixedCostReportTests
{
    private static readonly CostMix Mix = new(200, 50_000, 5, 17);

    private static RequestRecord Due(double intendedMs, double sentMs, double durationMs, RequestKind kind = RequestKind.Light, int worker = 0,
        RequestOutcome outcome = RequestOutcome.Answered, int status = 200) => new()
    {
        Connection = 1, Kind = kind, Path = Mix.PathOf(kind), IntendedMs = intendedMs, StartMs = sentMs, DurationMs = durationMs,
        Outcome = outcome, Status = outcome == RequestOutcome.Answered ? status : null, Worker = outcome == RequestOutcome.Answered ? worker : null,
    };

    [Fact]
    public void Compute_LatencyRunsFromTheTimeDue_NotFromTheSend()
    {
        // Due at 1000 ms, sent at 1040 ms when its connection was free, answered 1 ms later: 41 ms.
        RequestRecord[] requests = [Due(1000, 1040, 1), Due(1010, 1010, 1)];

        var report = MixedCostReport.Compute("http://127.0.0.1:1/", null, 64, 100, Mix, 1, 2, 1000, requests, 0, [0.1, 0.2]);

        Assert.Equal(41, report.All.MaxMs, 6);
        Assert.Equal(1, report.Service.MaxMs, 6);
        Assert.Equal(0.2, report.GeneratorLag!.MaxMs, 6);
    }

    [Fact]
    public void Compute_OnlyRequestsDueInTheWindowAreMeasured_ProbesNever()
    {
        RequestRecord[] requests =
        [
            Due(500, 500, 1),                       // warm-up
            Due(1000, 1000, 1),                     // first in the window
            Due(2999, 2999, 50, RequestKind.Heavy), // last in the window, answered after it
            Due(3000, 3000, 1),                     // after the window
            new() { Connection = 1, Kind = RequestKind.Probe, Path = "/work?us=0", StartMs = 1500, DurationMs = 1, Outcome = RequestOutcome.Answered, Status = 200 },
        ];

        var report = MixedCostReport.Compute("http://127.0.0.1:1/", "reuseport", 64, 100, Mix, 1, 2, 1000, requests, 0, []);

        Assert.Equal(2, report.Measured);
        Assert.Equal(1, report.Light.Count);
        Assert.Equal(1, report.Heavy.Count);
        Assert.Equal(50, report.Heavy.P50Ms, 6);
    }

    [Fact]
    public void Compute_AchievedRate_CountsSuccessfulAnswersArrivingInTheWindow()
    {
        // 2 s window from 1000 ms: 300 answers arrive in it (one of them due in the warm-up); two do not.
        var requests = Enumerable.Range(0, 300).Select(i => Due(990 + i * 6, 990 + i * 6, 5))
            .Append(Due(2980, 2980, 10)).Append(Due(2995, 2995, 10)).ToList();

        var report = MixedCostReport.Compute("http://127.0.0.1:1/", null, 64, 150, Mix, 1, 2, 1000, requests, 0, []);

        Assert.Equal(150, report.AchievedRate, 6);
    }

    [Fact]
    public void Compute_FailuresAreCountedAndLeftOutOfThePercentiles()
    {
        RequestRecord[] requests =
        [
            Due(1000, 1000, 1),
            Due(1001, 1001, 30_000, outcome: RequestOutcome.TimedOut),
            Due(1002, 1002, 3, outcome: RequestOutcome.Lost),
            Due(1003, 1003, 2, status: 503),
        ];

        var report = MixedCostReport.Compute("http://127.0.0.1:1/", null, 64, 100, Mix, 1, 2, 1000, requests, unsent: 7, []);

        Assert.Equal(4, report.Measured);
        Assert.Equal(1, report.Succeeded);
        Assert.Equal(3, report.Failed);
        Assert.Equal(7, report.Unsent);
        Assert.Equal(1, report.All.Count);
        Assert.Equal(1, report.All.MaxMs, 6);
    }

    [Fact]
    public void Compute_PerWorker_CountsRequestsAndHeavyOnes()
    {
        RequestRecord[] requests =
        [
            Due(1000, 1000, 1, worker: 0), Due(1001, 1001, 60, RequestKind.Heavy, worker: 0),
            Due(1002, 1002, 2, worker: 1), Due(1003, 1003, 2, worker: 1), Due(1004, 1004, 2, worker: 1),
        ];

        var report = MixedCostReport.Compute("http://127.0.0.1:1/", null, 64, 100, Mix, 1, 2, 1000, requests, 0, []);

        Assert.Equal([0, 1], report.Workers.Select(w => w.Worker));
        Assert.Equal((2, 1), (report.Workers[0].Requests, report.Workers[0].Heavy));
        Assert.Equal((3, 0), (report.Workers[1].Requests, report.Workers[1].Heavy));
        Assert.Equal(60, report.Workers[0].P99Ms, 6);
    }

    [Fact]
    public void Verdict_OpenAndClosedLoop_SayWhatWasMeasured()
    {
        RequestRecord[] requests = [.. Enumerable.Range(0, 100).Select(i => Due(1000 + i * 10, 1000 + i * 10, i == 50 ? 55 : 0.4))];

        var open = MixedCostReport.Compute("http://127.0.0.1:1/", null, 64, 100, Mix, 1, 1, 1000, requests, 0, []);
        var closed = MixedCostReport.Compute("http://127.0.0.1:1/", null, 64, null, Mix, 1, 1, 1000, requests, 0, null);

        Assert.Equal("offered 100 rps, achieved 100 rps; from the time due: p50 0.4 ms, p99 0.4 ms, p99.9 55 ms, max 55 ms; 0 failed", open.Verdict);
        Assert.StartsWith("closed loop over 64 connections: capacity 100 rps; ", closed.Verdict, StringComparison.Ordinal);
        using var text = new StringWriter();
        open.WriteTo(text);
        Assert.Contains("generator lateness", text.ToString(), StringComparison.Ordinal);
        Assert.EndsWith($"verdict: {open.Verdict}{Environment.NewLine}", text.ToString(), StringComparison.Ordinal);
    }
}
