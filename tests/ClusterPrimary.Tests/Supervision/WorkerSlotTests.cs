using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;
using ClusterHost.Primary.Tests.TestUtilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterHost.Primary.Tests.Supervision;

public sealed class WorkerSlotTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly FakeWorkerLauncher _launcher;
    private readonly RecordingBalancer _balancer = new();

    public WorkerSlotTests() => _launcher = new FakeWorkerLauncher(_time);

    private WorkerSlot CreateSlot(int maxRestarts = 5, double startTimeoutSeconds = 30) => new(0, _launcher, _balancer, new ClusterHostConfig
    {
        Workers = 1,
        Urls = [],
        Mode = BalancingMode.ReusePort,
        AppPath = "/app.dll",
        ShutdownTimeout = TimeSpan.FromSeconds(30),
        StartTimeout = TimeSpan.FromSeconds(startTimeoutSeconds),
        MaxRestarts = maxRestarts,
    }, _time, NullLogger.Instance);

    [Fact]
    public async Task CrashLoopingWorker_IsRelaunchedOnTheBackoffSchedule_ThenGivenUp()
    {
        var slot = CreateSlot(maxRestarts: 3);
        var run = slot.RunAsync();

        await WaitForLaunchesAsync(1);
        _launcher.Launches[0].Process.Exit(1);          // failure 1: relaunch at once
        await WaitForLaunchesAsync(2);
        _launcher.Launches[1].Process.Exit(1);          // failure 2: 250 ms
        await Task.Delay(50);
        _time.Advance(TimeSpan.FromMilliseconds(250));
        await WaitForLaunchesAsync(3);
        _launcher.Launches[2].Process.Exit(1);          // failure 3: 500 ms
        await Task.Delay(50);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await WaitForLaunchesAsync(4);
        _launcher.Launches[3].Process.Exit(1);          // failure 4 > 3: give up

        Assert.Equal(SlotOutcome.GaveUp, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([0, 0, 250, 750], _launcher.Launches.Select(l => l.At.TotalMilliseconds));
        Assert.Equal(WorkerSlotState.GaveUp, slot.State);
        Assert.Equal(3, slot.Restarts);
        Assert.Equal(4, slot.Exits[WorkerExitReason.Crash]);
    }

    [Fact]
    public async Task BackoffWait_DoesNotRelaunchBeforeItsDelay()
    {
        var slot = CreateSlot();
        _ = slot.RunAsync();
        await WaitForLaunchesAsync(1);
        _launcher.Launches[0].Process.Exit(1); // failure 1: at once
        await WaitForLaunchesAsync(2);
        _launcher.Launches[1].Process.Exit(1); // failure 2: 250 ms
        await Task.Delay(50);

        _time.Advance(TimeSpan.FromMilliseconds(249));
        await Task.Delay(50);
        Assert.Equal(2, _launcher.Launches.Count);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForLaunchesAsync(3);
        await StopAsync(slot);
    }

    [Fact]
    public async Task WorkerNotReadyWithinStartTimeout_IsKilled_AndCountsAsAFailure()
    {
        var slot = CreateSlot(startTimeoutSeconds: 5);
        _ = slot.RunAsync();
        await WaitForLaunchesAsync(1);
        await Task.Delay(20);

        _time.Advance(TimeSpan.FromSeconds(5));

        await WaitForLaunchesAsync(2);
        Assert.True(_launcher.Launches[0].Process.Killed);
        Assert.Equal(1, slot.Exits[WorkerExitReason.StartTimeout]);
        await StopAsync(slot);
    }

    [Fact]
    public async Task ReadyWorker_IsAnnouncedToTheBalancer_AndDrainedOnStop()
    {
        var (slot, run, worker) = await StartWithReadyWorkerAsync();
        Assert.Equal(WorkerSlotState.Ready, slot.State);
        Assert.Equal([new WorkerInstance(0, 1)], _balancer.Ready);

        var stop = slot.StopAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), worker.DrainRequested);
        Assert.Equal(WorkerSlotState.Draining, slot.State);
        worker.Exit(0);
        await stop.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(SlotOutcome.Stopped, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Single(_launcher.Launches);
        Assert.Contains(new WorkerInstance(0, 1), _balancer.Leaving);
    }

    [Fact]
    public async Task WorkerThatIgnoresDrain_IsKilledAfterTheBudgetAndGrace()
    {
        var (slot, run, worker) = await StartWithReadyWorkerAsync();

        var stop = slot.StopAsync(TimeSpan.FromSeconds(3));
        await Task.Delay(20);
        _time.Advance(TimeSpan.FromSeconds(3) + WorkerSlot.DrainGrace - TimeSpan.FromMilliseconds(1));
        await Task.Delay(20);
        Assert.False(worker.Killed);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(worker.Killed);
    }

    [Fact]
    public async Task FatalWorker_EndsTheSlotWithoutRestart()
    {
        var slot = CreateSlot();
        var run = slot.RunAsync();
        await WaitForLaunchesAsync(1);

        _launcher.Launches[0].Process.FatalError = "127.0.0.1:80: address in use";
        _launcher.Launches[0].Process.Exit(134);

        Assert.Equal(SlotOutcome.Fatal, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Single(_launcher.Launches);
    }

    [Fact]
    public async Task Replace_StartsTheNewWorkerFirst_ThenDrainsTheOld_AndCountsTheReason()
    {
        var (slot, run, old) = await StartWithReadyWorkerAsync();

        var replace = slot.ReplaceAsync(WorkerExitReason.Reload);
        await WaitForLaunchesAsync(2);
        var successor = _launcher.Launches[1].Process;
        Assert.Null(old.DrainRequested); // capacity kept: the old one serves until the new one is ready
        successor.BecomeReady();
        await WaitUntilAsync(() => old.DrainRequested is not null);
        Assert.Same(successor, slot.Current);
        old.Exit(0);

        Assert.True(await replace.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["ready 0.1", "ready 0.2", "leaving 0.1"], _balancer.Events);
        Assert.Equal(1, slot.Exits[WorkerExitReason.Reload]);
        Assert.Equal(WorkerSlotState.Ready, slot.State);
        Assert.Equal(0, slot.Restarts);
        await StopAsync(slot);
    }

    [Fact]
    public async Task Replace_WhoseNewWorkerCannotStart_KeepsTheOldWorker()
    {
        var (slot, run, old) = await StartWithReadyWorkerAsync();

        var replace = slot.ReplaceAsync(WorkerExitReason.Reload);
        await WaitForLaunchesAsync(2);
        _launcher.Launches[1].Process.Exit(134); // the new build crashes at start

        Assert.False(await replace.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Same(old, slot.Current);
        Assert.Null(old.DrainRequested);
        Assert.Equal(WorkerSlotState.Ready, slot.State);
        Assert.DoesNotContain(WorkerExitReason.Reload, slot.Exits.Keys);
        await StopAsync(slot);
    }

    [Fact]
    public async Task HungWorker_IsKilled_AndRestartedInItsSlot()
    {
        var (slot, run, hung) = await StartWithReadyWorkerAsync();

        slot.EndHungWorker(hung);

        await WaitForLaunchesAsync(2);
        Assert.True(hung.Killed);
        Assert.Equal(1, slot.Exits[WorkerExitReason.Hung]);
        await StopAsync(slot);
    }

    /// <summary>A slot running, with its first worker ready.</summary>
    private async Task<(WorkerSlot Slot, Task<SlotOutcome> Run, FakeWorkerProcess Worker)> StartWithReadyWorkerAsync()
    {
        var slot = CreateSlot();
        var run = slot.RunAsync();
        await WaitForLaunchesAsync(1);
        var worker = _launcher.Launches[0].Process;
        worker.BecomeReady();
        await slot.FirstReady.WaitAsync(TimeSpan.FromSeconds(10));
        return (slot, run, worker);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }

    private async Task StopAsync(WorkerSlot slot)
    {
        var stop = slot.StopAsync(TimeSpan.FromSeconds(1));
        ((FakeWorkerProcess?)slot.Current)?.Exit(0);
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private async Task WaitForLaunchesAsync(int count)
    {
        for (var i = 0; i < 1000 && _launcher.Launches.Count < count; i++)
        {
            await Task.Delay(10);
        }
        Assert.Equal(count, _launcher.Launches.Count);
    }

    private sealed class RecordingBalancer : IClusterFront
    {
        public List<WorkerInstance> Ready { get; } = [];
        public List<WorkerInstance> Leaving { get; } = [];
        public List<string> Events { get; } = [];
        public BalancingMode Mode => BalancingMode.ReusePort;
        public IReadOnlyList<string> Urls => [];
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public void ConfigureWorker(WorkerInstance instance, IDictionary<string, string?> environment) { }
        public void WorkerReady(WorkerInstance instance) { lock (Events) { Ready.Add(instance); Events.Add($"ready {instance}"); } }
        public void WorkerLeaving(WorkerInstance instance) { lock (Events) { Leaving.Add(instance); Events.Add($"leaving {instance}"); } }
        public Task StopAcceptingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
