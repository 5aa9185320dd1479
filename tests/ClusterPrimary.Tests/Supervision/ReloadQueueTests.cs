using ClusterHost.Primary.Supervision;
using ClusterHost.Primary.Tests.TestUtilities;

namespace ClusterHost.Primary.Tests.Supervision;

public sealed class ReloadQueueTests
{
    [Fact]
    public async Task Requests_WhileOneIsQueued_CoalesceIntoIt()
    {
        var logger = new RecordingLogger<ReloadQueue>();
        var queue = new ReloadQueue(new WorkerSlots(), TimeProvider.System, logger);

        queue.Request();
        queue.Request();
        queue.Request();
        using var stop = new CancellationTokenSource();
        var run = queue.RunAsync(stop.Token);
        await WaitForAsync(() => logger.Events.Contains("ReloadFinished"));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["ReloadRequested", "ReloadCoalesced", "ReloadCoalesced", "ReloadStarted", "ReloadFinished"], logger.Events);
    }

    [Fact]
    public async Task Requests_WhileOneIsQueued_ShareItsOutcome_AndEachSeesItsProgress()
    {
        var queue = new ReloadQueue(new WorkerSlots(), TimeProvider.System, new RecordingLogger<ReloadQueue>());
        var first = new List<string>();
        var second = new List<string>();

        var run = queue.Request(first.Add);
        Assert.Same(run, queue.Request(second.Add));
        using var stop = new CancellationTokenSource();
        var loop = queue.RunAsync(stop.Token);
        var outcome = await run.Outcome.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(new ReloadOutcome(true, 0, 0, null), outcome);
        Assert.Equal(2, first.Count);
        Assert.StartsWith("reload started", first[0], StringComparison.Ordinal);
        Assert.StartsWith("reload finished: 0 workers replaced", first[1], StringComparison.Ordinal);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Request_AfterAReload_RunsAnother()
    {
        var logger = new RecordingLogger<ReloadQueue>();
        var queue = new ReloadQueue(new WorkerSlots(), TimeProvider.System, logger);
        using var stop = new CancellationTokenSource();
        var run = queue.RunAsync(stop.Token);

        queue.Request();
        await WaitForAsync(() => logger.Events.Count(e => e == "ReloadFinished") == 1);
        queue.Request();
        await WaitForAsync(() => logger.Events.Count(e => e == "ReloadFinished") == 2);
        await stop.CancelAsync();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("ReloadCoalesced", logger.Events);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }
}
