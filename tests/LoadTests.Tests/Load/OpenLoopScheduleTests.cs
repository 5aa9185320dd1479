using ClusterHost.LoadTests.Load;

namespace ClusterHost.LoadTests.Tests.Load;

public sealed class OpenLoopScheduleTests
{
    [Fact]
    public void IntendedMs_RequestsFallDueAtTheRate_FromTheStart()
    {
        var schedule = new OpenLoopSchedule(ratePerSecond: 500, connections: 64, startMs: 100);

        Assert.Equal(2, schedule.IntervalMs, 9);
        Assert.Equal(100, schedule.IntendedMs(0), 9);
        Assert.Equal(102, schedule.IntendedMs(1), 9);
        Assert.Equal(100 + 2 * 4999, schedule.IntendedMs(4999), 6);
    }

    [Fact]
    public void IntendedMs_DoesNotDriftOverALongRun()
    {
        // 333 rps: an interval of 3.003... ms that a running sum would round away.
        var schedule = new OpenLoopSchedule(333, 64, 0);

        Assert.Equal(3_600_000, schedule.IntendedMs(333L * 3600), 6);
    }

    [Fact]
    public void ConnectionOf_TakesTheConnectionsInTurn_SoEachIsDueEveryConnectionsOverRate()
    {
        var schedule = new OpenLoopSchedule(ratePerSecond: 640, connections: 64, startMs: 0);

        Assert.Equal([0, 1, 63, 0, 1], new long[] { 0, 1, 63, 64, 65 }.Select(schedule.ConnectionOf));
        var dueOnConnection5 = Enumerable.Range(0, 1000).Where(i => schedule.ConnectionOf(i) == 5).Select(i => schedule.IntendedMs(i)).ToList();
        Assert.All(dueOnConnection5.Zip(dueOnConnection5.Skip(1)), pair => Assert.Equal(100, pair.Second - pair.First, 6));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-5, 0)]
    [InlineData(0.001, 1)]
    [InlineData(2, 1)]
    [InlineData(2.001, 2)]
    [InlineData(10_000, 5000)]
    public void CountBefore_CountsTheRequestsDueStrictlyBefore(double ms, long expected)
    {
        var schedule = new OpenLoopSchedule(500, 64, 0);

        Assert.Equal(expected, schedule.CountBefore(ms));
        if (expected > 0)
        {
            Assert.True(schedule.IntendedMs(expected - 1) < ms);
        }
        Assert.True(schedule.IntendedMs(expected) >= ms);
    }

    [Fact]
    public void CountBefore_AWindowBuiltFromRoundedTimes_CountsTheWholeRequestsOnly()
    {
        var start = 123.457;
        var schedule = new OpenLoopSchedule(40, 16, start + 50);

        Assert.Equal(100, schedule.CountBefore(start + 50 + 500 + 2000));
    }

    [Fact]
    public void Constructor_RateOrConnectionsNotPositive_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenLoopSchedule(0, 64, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenLoopSchedule(100, 0, 0));
    }
}
