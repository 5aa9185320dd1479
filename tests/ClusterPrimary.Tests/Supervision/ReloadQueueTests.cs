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
