using System.Threading.Channels;
using ClusterHost.LoadTests.Load;

namespace ClusterHost.LoadTests.Tests.Load;

public sealed class OpenLoopPacerTests
{
    [Fact]
    public async Task RunAsync_HandsEveryRequestDue_ToItsConnection_InOrder_NeverEarly()
    {
        var clock = new ScenarioClock(TimeProvider.System);
        var schedule = new OpenLoopSchedule(ratePerSecond: 2000, connections: 4, startMs: clock.NowMs + 5);
        var queues = Enumerable.Range(0, 4).Select(_ => Channel.CreateUnbounded<ScheduledRequest>()).ToList();
        var pacer = new OpenLoopPacer(schedule, new CostMix(200, 50_000, 5, 17), clock, [.. queues.Select(q => q.Writer)]);
        var handedAt = new List<(ScheduledRequest Request, double AtMs)>[4];
        var readers = queues.Select(async (queue, connection) =>
        {
            handedAt[connection] = [];
            await foreach (var request in queue.Reader.ReadAllAsync())
            {
                handedAt[connection].Add((request, clock.NowMs));
            }
        }).ToList();

        await pacer.RunAsync(schedule.StartMs + 100, CancellationToken.None);
        await Task.WhenAll(readers); // the queues are completed

        Assert.Equal(200, handedAt.Sum(h => h.Count));
        Assert.Equal(200, pacer.LagsMs.Count);
        for (var connection = 0; connection < 4; connection++)
        {
            Assert.Equal(Enumerable.Range(0, 50).Select(j => (long)(connection + 4 * j)), handedAt[connection].Select(h => h.Request.Index));
            Assert.All(handedAt[connection], h =>
            {
                Assert.Equal(schedule.IntendedMs(h.Request.Index), h.Request.IntendedMs);
                Assert.True(h.AtMs >= h.Request.IntendedMs, $"request {h.Request.Index} handed over at {h.AtMs} ms, due at {h.Request.IntendedMs} ms");
                Assert.Equal(h.Request.Kind == RequestKind.Heavy ? "/work?us=50000" : "/work?us=200", h.Request.Path);
            });
        }
        Assert.All(pacer.LagsMs, lag => Assert.True(lag >= 0));
    }

    [Fact]
    public async Task RunAsync_Aborted_StopsAndCompletesTheQueues()
    {
        var clock = new ScenarioClock(TimeProvider.System);
        var schedule = new OpenLoopSchedule(10, 2, clock.NowMs);
        var queues = Enumerable.Range(0, 2).Select(_ => Channel.CreateUnbounded<ScheduledRequest>()).ToList();
        var pacer = new OpenLoopPacer(schedule, new CostMix(200, 50_000, 5, 17), clock, [.. queues.Select(q => q.Writer)]);
        using var abort = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pacer.RunAsync(schedule.StartMs + 60_000, abort.Token));

        Assert.All(queues, q => Assert.False(q.Writer.TryWrite(default), "a queue was left open"));
        Assert.InRange(pacer.LagsMs.Count, 1, 10);
    }
}
