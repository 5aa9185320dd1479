using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.Supervision;

public sealed class RestartBackoffTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(1);

    [Fact]
    public void ConsecutiveQuickFailures_FollowTheDocumentedSchedule()
    {
        var backoff = new RestartBackoff(maxRestarts: 9);

        var delays = Enumerable.Range(0, 9).Select(_ => backoff.OnExit(Quick).Delay.TotalMilliseconds);

        Assert.Equal([0, 250, 500, 1000, 2000, 4000, 8000, 16000, 16000], delays);
    }

    [Fact]
    public void FailureAfterStableUptime_ResetsTheCount_AndRestartsAtOnce()
    {
        var backoff = new RestartBackoff(maxRestarts: 5);
        backoff.OnExit(Quick);
        backoff.OnExit(Quick);
        backoff.OnExit(Quick);

        var decision = backoff.OnExit(RestartBackoff.StableUptime);

        Assert.Equal(1, decision.ConsecutiveFailures);
        Assert.Equal(TimeSpan.Zero, decision.Delay);
        Assert.False(decision.GiveUp);
    }

    [Fact]
    public void FailureAfterMaxRestarts_GivesUp()
    {
        var backoff = new RestartBackoff(maxRestarts: 2);

        Assert.False(backoff.OnExit(Quick).GiveUp);
        Assert.False(backoff.OnExit(Quick).GiveUp);
        var third = backoff.OnExit(Quick);

        Assert.True(third.GiveUp);
        Assert.Equal(3, third.ConsecutiveFailures);
    }

    [Fact]
    public void ZeroMaxRestarts_GivesUpOnTheFirstFailure()
    {
        Assert.True(new RestartBackoff(maxRestarts: 0).OnExit(Quick).GiveUp);
    }

    [Fact]
    public void DelayIsCapped_EvenForHugeFailureCounts()
    {
        Assert.Equal(RestartBackoff.MaxDelay, RestartBackoff.DelayFor(int.MaxValue));
    }
}
