using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Reports;
using static ClusterHost.LoadTests.Tests.TestUtilities.Requests;

namespace ClusterHost.LoadTests.Tests.Reports;

public sealed class CrashReportTests
{
    // Worker 1 (pid 1001) crashes at 2.0 s; /crash fails at 2.02 s; pid 2002 answers at 2.5 s.
    private static readonly RequestRecord Crash = Lost(9, 2000, 20, RequestKind.Crash, "/crash");
    private static readonly RequestRecord ServedAgain = Answered(20, 2500, 2, 1, pid: 2002, kind: RequestKind.Fresh);

    private static readonly ConnectionRecord[] Connections =
    [
        new(1, 40001, "load", 0), new(2, 40002, "load", 0), new(5, 40005, "slow", 0), new(6, 40006, "slow", 0),
        new(9, 40009, "crash", 0), new(10, 40010, "load", 2100), new(20, 40020, "recovery", 2498),
    ];

    private static List<RequestRecord> Run() =>
    [
        .. Loop(1, 0, 0, 3500, 20, 2),
        Answered(2, 0, 1, 1, kind: RequestKind.Probe), .. Loop(2, 1, 20, 2000, 20, 2),
        Lost(2, 2010, 12), // in flight when the worker died
        Answered(5, 0, 1, 0, kind: RequestKind.Probe), Answered(5, 1500, 3000, 0, kind: RequestKind.Slow, path: "/delay?ms=3000"),
        Answered(6, 0, 1, 1, kind: RequestKind.Probe), Lost(6, 1500, 520, RequestKind.Slow, "/delay?ms=3000"),
        Answered(9, 0, 1, 1, kind: RequestKind.Probe), Crash,
        .. Loop(10, 0, 2100, 3500, 20, 2),
        ServedAgain,
    ];

    [Fact]
    public void Compute_OnlyInFlightRequestsOfTheCrashedWorkerFailed()
    {
        var report = CrashReport.Compute(Connections, Run(), Crash, 1, 1001, ServedAgain, 2, "reuseport", []);

        Assert.True(report.OnlyInFlightOnCrashedWorker);
        Assert.Equal([(2, "/"), (6, "/delay?ms=3000"), (9, "/crash")], report.Failed.Select(f => (f.Connection, f.Path)).Order());
        Assert.All(report.Failed, f => Assert.Equal((1, 1001, true), (f.Owner!.Value, f.OwnerPid!.Value, f.InFlight)));
        Assert.Equal(2002, report.NewPid);
        Assert.Equal(482, report.ServedAgainAfterMs);
        Assert.Equal(1, report.Reconnected);
        Assert.Equal([(0, 1000, 0), (1, 1001, 3), (1, 2002, 0)], report.Rows.Select(r => (r.Worker, r.Pid, r.Failed)));
        Assert.Equal(2, report.Slow.Count);
        Assert.Equal(
            "worker 1 (pid 1001) crashed: the 3 requests lost were all in flight on its connections (/crash itself included); "
            + $"worker 0 lost none ({report.Rows.Single(r => r.Worker == 0).Answered} answered); slot 1 served again 482 ms later (pid 2002)",
            report.Verdict);
    }

    [Fact]
    public void Compute_FailureOnAnotherWorker_IsNotHidden()
    {
        var requests = Run();
        requests.Add(Lost(1, 3000, 5));

        var report = CrashReport.Compute(Connections, requests, Crash, 1, 1001, ServedAgain, 2, "reuseport", []);

        Assert.False(report.OnlyInFlightOnCrashedWorker);
        Assert.Contains("4 requests failed: 3 on its connections (3 in flight), 1 elsewhere or after the crash", report.Verdict, StringComparison.Ordinal);
        Assert.Contains("worker 0 lost 1", report.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_RequestLostOnTheDyingWorkerAfterCrashFailed_CountsAsInFlight()
    {
        // A dying process closes its sockets one by one: a request can still reach one of them.
        var requests = Run();
        requests.Remove(requests.Single(r => r.Connection == 2 && r.Outcome == RequestOutcome.Lost));
        requests.Add(Lost(2, 2030, 10));

        var report = CrashReport.Compute(Connections, requests, Crash, 1, 1001, ServedAgain, 2, "reuseport", []);

        Assert.True(report.OnlyInFlightOnCrashedWorker);
    }

    [Fact]
    public void Compute_TimedOutRequest_IsNotInFlight()
    {
        var requests = Run();
        requests.Add(Lost(2, 2030, 10) with { Outcome = RequestOutcome.TimedOut });

        var report = CrashReport.Compute(Connections, requests, Crash, 1, 1001, ServedAgain, 2, "reuseport", []);

        Assert.False(report.OnlyInFlightOnCrashedWorker);
        Assert.Contains(report.Failed, f => f.Outcome == RequestOutcome.TimedOut && !f.InFlight);
    }

    [Fact]
    public void Compute_SlotNeverServedAgain_SaysSo()
    {
        var report = CrashReport.Compute(Connections, Run(), Crash, 1, 1001, servedAgain: null, 2, "reuseport", []);

        Assert.Null(report.NewPid);
        Assert.EndsWith("slot 1 did not serve again in time", report.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_PrimaryLog_KeepsTheSlotsLinesFromTheExitOn()
    {
        string[] output =
        [
            "12:00:00.000 info: ClusterHost.Primary.Supervision.WorkerSlot[2] Worker 1 (pid 1001) ready in 200 ms",
            "[worker 1] Process terminated. SampleApp: /crash requested",
            "12:00:02.010 warn: ClusterHost.Primary.Supervision.WorkerSlot[4] Worker 1 (pid 1001) exited with signal SIGABRT (exit code 134) after 00:00:02",
            "12:00:02.011 info: ClusterHost.Primary.Supervision.WorkerSlot[5] Restarting worker 1 in 0 ms (failure 1 in a row; limit 5)",
            "12:00:02.012 info: ClusterHost.Primary.Supervision.WorkerSlot[1] Worker 0 starting (pid 3)",
            "12:00:02.400 info: ClusterHost.Primary.Supervision.WorkerSlot[2] Worker 1 (pid 2002) ready in 390 ms",
        ];

        var report = CrashReport.Compute(Connections, Run(), Crash, 1, 1001, ServedAgain, 2, "reuseport", output);

        Assert.Equal(
        [
            "12:00:02.010 warn: Worker 1 (pid 1001) exited with signal SIGABRT (exit code 134) after 00:00:02",
            "12:00:02.011 info: Restarting worker 1 in 0 ms (failure 1 in a row; limit 5)",
            "12:00:02.400 info: Worker 1 (pid 2002) ready in 390 ms",
        ], report.PrimaryLog);
    }
}
