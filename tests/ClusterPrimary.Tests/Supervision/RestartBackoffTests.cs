using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.Supervision;

public sealed class RestartBackoffTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(1);

    [Fact]
    public void ConsecutiveQuickFailures_FollowTheDocumentedSchedule()
    {
        var backoff = new RestartBackoff(maxRestarts: 9);

        var delays = Enumerable.Range(0, 9).Select(_ => backoff.OnExit(Quick, becameReady: true).Delay.TotalMilliseconds);

        Assert.Equal([0, 250, 500, 1000, 2000, 4000, 8000, 16000, 16000], delays);
    }

    [Fact]
    public void FailureAfterStableUptime_ResetsTheCount_AndRestartsAtOnce()
    {
        var backoff = new RestartBackoff(maxRestarts: 5);
        backoff.OnExit(Quick, becameReady: true);
        backoff.OnExit(Quick, becameReady: true);
        backoff.OnExit(Quick, becameReady: true);

        var decision = backoff.OnExit(RestartBackoff.StableUptime, becameReady: true);

        Assert.Equal(1, decision.ConsecutiveFailures);
        Assert.Equal(TimeSpan.Zero, decision.Delay);
        Assert.False(decision.GiveUp);
    }

    [Fact]
    public void FailureAfterMaxRestarts_GivesUp()
    {
        var backoff = new RestartBackoff(maxRestarts: 2);

        Assert.False(backoff.OnExit(Quick, becameReady: true).GiveUp);
        Assert.False(backoff.OnExit(Quick, becameReady: true).GiveUp);
        var third = backoff.OnExit(Quick, becameReady: true);

        Assert.True(third.GiveUp);
        Assert.Equal(3, third.ConsecutiveFailures);
    }

    [Fact]
    public void ZeroMaxRestarts_GivesUpOnTheFirstFailure()
    {
        Assert.True(new RestartBackoff(maxRestarts: 0).OnExit(Quick, becameReady: true).GiveUp);
    }

    [Fact]
    public void DelayIsCapped_EvenForHugeFailureCounts()
    {
        Assert.Equal(RestartBackoff.MaxDelay, RestartBackoff.DelayFor(int.MaxValue));
    }

    [Fact]
    public void WorkerThatNeverBecameReady_IsAFailureWhateverItsUptime()
    {
        var backoff = new RestartBackoff(maxRestarts: 2);
        var longUptime = RestartBackoff.StableUptime * 3; // a start timeout longer than the stable uptime

        Assert.Equal(1, backoff.OnExit(longUptime, becameReady: false).ConsecutiveFailures);
        Assert.Equal(2, backoff.OnExit(longUptime, becameReady: false).ConsecutiveFailures);
        var third = backoff.OnExit(longUptime, becameReady: false);

        Assert.True(third.GiveUp);
        Assert.Equal(3, third.ConsecutiveFailures);
    }

    [Fact]
    public void GiveUpBound_IsEveryStartTimeoutPlusEveryBackoffWait()
    {
        // The defaults: --max-restarts 5, --start-timeout 30 s: 6 × 30 s + 0 + 0.25 + 0.5 + 1 + 2 s.
        Assert.Equal(TimeSpan.FromSeconds(183.75), RestartBackoff.GiveUpBound(5, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(1), RestartBackoff.GiveUpBound(0, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void RestartDelay_IsTheLeastWait_AndTheScheduleWinsOnceItIsLonger()
    {
        var backoff = new RestartBackoff(maxRestarts: 9, restartDelay: TimeSpan.FromSeconds(1.5));

        var delays = Enumerable.Range(0, 9).Select(_ => backoff.OnExit(Quick, becameReady: true).Delay.TotalMilliseconds);

        Assert.Equal([1500, 1500, 1500, 1500, 2000, 4000, 8000, 16000, 16000], delays);
    }

    [Fact]
    public void RestartDelay_AppliesAfterAStableWorkerToo()
    {
        var backoff = new RestartBackoff(maxRestarts: 5, restartDelay: TimeSpan.FromSeconds(3));

        var decision = backoff.OnExit(RestartBackoff.StableUptime * 2, becameReady: true);

        Assert.Equal(1, decision.ConsecutiveFailures);
        Assert.Equal(TimeSpan.FromSeconds(3), decision.Delay);
    }

    [Fact]
    public void GiveUpBound_CountsTheRestartDelay()
    {
        // --max-restarts 2, --start-timeout 10 s, --restart-delay 1 s: 3 × 10 s + 1 + 1 s.
        Assert.Equal(TimeSpan.FromSeconds(32), RestartBackoff.GiveUpBound(2, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1)));
    }
}
