using ClusterHost.Primary.Events;
using Microsoft.Extensions.Time.Testing;

namespace ClusterHost.Primary.Tests.Events;

public sealed class ClusterEventLogTests
{
    [Fact]
    public void Add_PastCapacity_DropsTheOldest()
    {
        var log = new ClusterEventLog(new FakeTimeProvider());
        for (var i = 1; i <= ClusterEventLog.Capacity + 5; i++)
        {
            log.Add(ClusterEventKind.Restart, 0, i, $"event {i}");
        }

        var kept = log.Recent();
        Assert.Equal(ClusterEventLog.Capacity, kept.Count);
        Assert.Equal(6, kept[0].Sequence);
        Assert.Equal(ClusterEventLog.Capacity + 5, kept[^1].Sequence);
    }

    [Fact]
    public void Recent_AfterASequence_ReturnsOnlyNewerEvents_AtMostMax()
    {
        var log = new ClusterEventLog(new FakeTimeProvider());
        for (var i = 0; i < 10; i++)
        {
            log.Add(ClusterEventKind.ScaledUp, i, null, "added");
        }

        Assert.Equal([8L, 9L, 10L], log.Recent(afterSequence: 7).Select(e => e.Sequence));
        Assert.Equal([9L, 10L], log.Recent(afterSequence: 0, max: 2).Select(e => e.Sequence));
    }

    [Fact]
    public void LastExit_IsKeptPerSlot_AndOutlivesTheBound()
    {
        var log = new ClusterEventLog(new FakeTimeProvider());
        log.WorkerExited(1, 4242, "crash: exit code 1 after 3 s");
        for (var i = 0; i < ClusterEventLog.Capacity + 1; i++)
        {
            log.Add(ClusterEventKind.Restart, 0, null, "noise");
        }

        Assert.Equal("crash: exit code 1 after 3 s", log.LastExit(1)?.Message);
        Assert.Equal(4242, log.LastExit(1)?.Pid);
        Assert.Null(log.LastExit(0));
    }
}
