using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;
using ClusterHost.Primary.Tests.TestUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using static ClusterHost.Primary.Supervision.WorkerSlotState;

namespace ClusterHost.Primary.Tests.Supervision;

/// <summary>
/// The slot's lifecycle on virtual time: every test drives a slot through real transitions and
/// checks the path it took (the slot logs each move). No test sleeps: each waits on the slot's
/// state, and the slot arms a timer before it shows the state that waits on it.
/// </summary>
public sealed class WorkerSlotTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger _logger = new();
    private readonly FakeWorkerLauncher _launcher;
    private readonly RecordingFront _front = new();

    public WorkerSlotTests() => _launcher = new FakeWorkerLauncher(_time);

    private WorkerSlot CreateSlot(int maxRestarts = 5, double startTimeoutSeconds = 30, double restartDelaySeconds = 0) => new(0, _launcher, _front, new ClusterHostConfig
    {
        Workers = 1,
        Urls = [],
        Mode = BalancingMode.ReusePort,
        AppPath = "/app.dll",
        ShutdownTimeout = TimeSpan.FromSeconds(30),
        StartTimeout = TimeSpan.FromSeconds(startTimeoutSeconds),
        MaxRestarts = maxRestarts,
        RestartDelay = TimeSpan.FromSeconds(restartDelaySeconds),
    }, _time, _logger);

    // ---- The table ----

    /// <summary>The lifecycle's edges as the design states them; every other pair is refused.</summary>
    private static readonly (WorkerSlotState From, WorkerSlotState To)[] AllowedEdges =
    [
        (Starting, Ready), (Starting, Backoff), (Starting, GaveUp), (Starting, Draining), (Starting, Stopped),
        (Ready, Replacing), (Ready, Ending), (Ready, Backoff), (Ready, GaveUp), (Ready, Draining), (Ready, Stopped),
        (Replacing, Ready), (Replacing, Backoff), (Replacing, GaveUp), (Replacing, Draining), (Replacing, Stopped),
        (Ending, Backoff), (Ending, GaveUp), (Ending, Draining), (Ending, Stopped),
        (Backoff, Starting), (Backoff, Stopped),
        (Draining, Stopped),
    ];

    [Fact]
    public void IsAllowed_EveryPairOfStates_MatchesTheDesign()
    {
        var states = Enum.GetValues<WorkerSlotState>();
        var pairs = states.SelectMany(from => states.Select(to => (From: from, To: to))).ToList();

        Assert.Equal(64, pairs.Count);
        Assert.All(pairs, pair => Assert.True(
            AllowedEdges.Contains(pair) == WorkerSlot.IsAllowed(pair.From, pair.To),
            $"{pair.From} -> {pair.To}: the design says {(AllowedEdges.Contains(pair) ? "allowed" : "refused")}"));
    }

    [Fact]
    public void IsAllowed_FinalStates_HaveNoWayOut()
    {
        foreach (var to in Enum.GetValues<WorkerSlotState>())
        {
            Assert.False(WorkerSlot.IsAllowed(Stopped, to));
            Assert.False(WorkerSlot.IsAllowed(GaveUp, to));
        }
    }

    [Fact]
    public void TransitionTo_AnIllegalMove_IsRefusedLoggedAndLeavesTheState()
    {
        var slot = CreateSlot();

        Assert.False(slot.TransitionTo(Replacing));

        Assert.Equal(Starting, slot.State);
        var record = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Name == "IllegalSlotTransition");
        Assert.Equal(LogLevel.Error, record.Level);
        Assert.Equal("Worker 0: illegal slot transition from Starting to Replacing; ignored", record.Message);
    }

    [Fact]
    public async Task TransitionTo_OutOfAFinalState_IsRefused()
    {
        var slot = CreateSlot(maxRestarts: 0);
        var run = slot.RunAsync();
        await WaitForLaunchesAsync(slot, 1);
        _launcher.Launches[0].Process.Exit(1);
        Assert.Equal(SlotOutcome.GaveUp, await run.WaitAsync(WorkerSlotWaits.Bound));

        Assert.False(slot.TransitionTo(Starting));
        Assert.False(slot.TransitionTo(Stopped));

        Assert.Equal(GaveUp, slot.State);
        Assert.Equal(2, _logger.Collector.GetSnapshot().Count(r => r.Id.Name == "IllegalSlotTransition"));
    }

    // ---- Starting ----

    [Fact]
    public async Task CrashLoopingWorker_IsRelaunchedOnTheBackoffSchedule_ThenGivenUp()
    {
        var slot = CreateSlot(maxRestarts: 3);
        var run = slot.RunAsync();

        await WaitForLaunchesAsync(slot, 1);
        _launcher.Launches[0].Process.Exit(1);          // failure 1: relaunch at once
        await WaitForLaunchesAsync(slot, 2);
        _launcher.Launches[1].Process.Exit(1);          // failure 2: 250 ms
        await slot.WaitForStateAsync(Backoff);
        _time.Advance(TimeSpan.FromMilliseconds(250));
        await WaitForLaunchesAsync(slot, 3);
        _launcher.Launches[2].Process.Exit(1);          // failure 3: 500 ms
        await slot.WaitForStateAsync(Backoff);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await WaitForLaunchesAsync(slot, 4);
        _launcher.Launches[3].Process.Exit(1);          // failure 4 > 3: give up

        Assert.Equal(SlotOutcome.GaveUp, await run.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Equal([0, 0, 250, 750], _launcher.Launches.Select(l => l.At.TotalMilliseconds));
        Assert.Equal(WorkerSlotState.GaveUp, slot.State);
        Assert.Equal(3, slot.Restarts);
        Assert.Equal(4, slot.Exits[WorkerExitReason.Crash]);
        Assert.Equal(
            [(Starting, Backoff), (Backoff, Starting), (Starting, Backoff), (Backoff, Starting), (Starting, Backoff), (Backoff, Starting), (Starting, GaveUp)],
            Transitions());
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Message.StartsWith("Worker 0 failed 4 times in a row", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BackoffWait_DoesNotRelaunchBeforeItsDelay()
    {
        var slot = CreateSlot();
        _ = slot.RunAsync();
        await WaitForLaunchesAsync(slot, 1);
        _launcher.Launches[0].Process.Exit(1); // failure 1: at once
        await WaitForLaunchesAsync(slot, 2);
        _launcher.Launches[1].Process.Exit(1); // failure 2: 250 ms
        await slot.WaitForStateAsync(Backoff);

        // A due timer fires inside Advance, and the relaunch follows it on the same thread.
        _time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.Equal(2, _launcher.Launches.Count);
        Assert.Equal(Backoff, slot.State);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForLaunchesAsync(slot, 3);
        await StopAsync(slot);
    }

    [Fact]
    public async Task RestartDelay_HoldsEvenTheFirstRestartBack()
    {
        var slot = CreateSlot(restartDelaySeconds: 2);
        _ = slot.RunAsync();
        await WaitForLaunchesAsync(slot, 1);
        _launcher.Launches[0].Process.Exit(1); // failure 1: --restart-delay 2 s, not at once
        await slot.WaitForStateAsync(Backoff);

        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Single(_launcher.Launches);
        Assert.Equal(Backoff, slot.State);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForLaunchesAsync(slot, 2);
        Assert.Equal([0, 2000], _launcher.Launches.Select(l => l.At.TotalMilliseconds));
        await StopAsync(slot);
    }

    [Fact]
    public async Task WorkerNotReadyWithinStartTimeout_IsKilled_AndCountsAsAFailure()
    {
        var slot = CreateSlot(startTimeoutSeconds: 5);
        _ = slot.RunAsync();
        await WaitForLaunchesAsync(slot, 1);

        _time.Advance(TimeSpan.FromSeconds(5));

        await WaitForLaunchesAsync(slot, 2);
        Assert.True(_launcher.Launches[0].Process.Killed);
        Assert.Equal(1, slot.Exits[WorkerExitReason.StartTimeout]);
        await StopAsync(slot);
    }

    [Fact]
    public async Task NeverReadyWorker_IsAFailedStartWhateverItsUptime_AndIsGivenUpAfterMaxRestarts()
    {
        // A start timeout longer than the stable uptime: were the wait counted as uptime, every
        // timeout would reset the failure count and the slot would restart forever.
        var startTimeout = RestartBackoff.StableUptime * 3;
        var slot = CreateSlot(maxRestarts: 2, startTimeoutSeconds: startTimeout.TotalSeconds);
        var run = slot.RunAsync();

        await WaitForLaunchesAsync(slot, 1);
        _time.Advance(startTimeout);                    // failure 1: relaunch at once
        await WaitForLaunchesAsync(slot, 2);
        _time.Advance(startTimeout);                    // failure 2: 250 ms
        await slot.WaitForStateAsync(Backoff);
        _time.Advance(RestartBackoff.DelayFor(2));
        await WaitForLaunchesAsync(slot, 3);
        _time.Advance(startTimeout);                    // failure 3 > 2: give up

        Assert.Equal(SlotOutcome.GaveUp, await run.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Equal(3, slot.Exits[WorkerExitReason.StartTimeout]);
        Assert.All(_launcher.Launches, l => Assert.True(l.Process.Killed));
        Assert.Equal([0, 30, 60.25], _launcher.Launches.Select(l => l.At.TotalSeconds));
        Assert.Equal(RestartBackoff.GiveUpBound(2, startTimeout), _launcher.Launches[^1].At + startTimeout);
        Assert.Equal(
            [(Starting, Backoff), (Backoff, Starting), (Starting, Backoff), (Backoff, Starting), (Starting, GaveUp)],
            Transitions());
    }

    [Fact]
    public async Task FatalWorker_EndsTheSlotWithoutRestart()
    {
        var slot = CreateSlot();
        var run = slot.RunAsync();
        await WaitForLaunchesAsync(slot, 1);

        _launcher.Launches[0].Process.FatalError = "127.0.0.1:80: address in use";
        _launcher.Launches[0].Process.Exit(134);

        Assert.Equal(SlotOutcome.Fatal, await run.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Single(_launcher.Launches);
        Assert.Equal([(Starting, Stopped)], Transitions());
    }

    [Fact]
    public async Task FailedLaunch_CountsAsAFailure_AndStopDuringTheBackoffEndsTheSlot()
    {
        _launcher.Fail = true;
        var slot = CreateSlot();
        var run = slot.RunAsync();
        await slot.WaitUntilAsync(() => slot.Exits.GetValueOrDefault(WorkerExitReason.LaunchFailure) == 2, "two failed launches");
        await slot.WaitForStateAsync(Backoff); // failure 2: 250 ms

        await slot.StopAsync(TimeSpan.FromSeconds(1)).WaitAsync(WorkerSlotWaits.Bound);

        Assert.Equal(SlotOutcome.Stopped, await run.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Equal(Stopped, slot.State);
        Assert.Empty(_launcher.Launches);
        Assert.Equal([(Starting, Backoff), (Backoff, Starting), (Starting, Backoff), (Backoff, Stopped)], Transitions());
    }

    [Fact]
    public async Task StopWhileStarting_DrainsTheStartingWorker_AndStartsNoOther()
    {
        var slot = CreateSlot();
        var run = slot.RunAsync();
        await WaitForLaunchesAsync(slot, 1);
        var worker = _launcher.Launches[0].Process;

        var stop = slot.StopAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Draining, slot.State);
        await worker.DrainRequestedTask.WaitAsync(WorkerSlotWaits.Bound);
        worker.Exit(0);
        await stop.WaitAsync(WorkerSlotWaits.Bound);

        Assert.Equal(SlotOutcome.Stopped, await run.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Single(_launcher.Launches);
        Assert.Empty(_front.Ready);
        Assert.Equal([(Starting, Draining), (Draining, Stopped)], Transitions());
    }

    // ---- Ready ----

    [Fact]
    public async Task ReadyWorker_IsAnnouncedToTheFront_AndDrainedOnStop()
    {
        var (slot, run, worker) = await StartWithReadyWorkerAsync();
        Assert.Equal(WorkerSlotState.Ready, slot.State);
        Assert.Equal([new WorkerInstance(0, 1)], _front.Ready);

        var stop = slot.StopAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), await worker.DrainRequestedTask.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Equal(WorkerSlotState.Draining, slot.State);
        worker.Exit(0);
        await stop.WaitAsync(WorkerSlotWaits.Bound);

        Assert.Equal(SlotOutcome.Stopped, await run.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Single(_launcher.Launches);
        Assert.Contains(new WorkerInstance(0, 1), _front.Leaving);
        Assert.Equal([(Starting, Ready), (Ready, Draining), (Draining, Stopped)], Transitions());
    }

    [Fact]
    public async Task WorkerThatIgnoresDrain_IsKilledAfterTheBudgetAndGrace()
    {
        var (slot, run, worker) = await StartWithReadyWorkerAsync();

        var stop = slot.StopAsync(TimeSpan.FromSeconds(3));
        await worker.DrainRequestedTask.WaitAsync(WorkerSlotWaits.Bound);
        _time.Advance(TimeSpan.FromSeconds(3) + WorkerSlot.DrainGrace - TimeSpan.FromMilliseconds(1));
        Assert.False(worker.Killed);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await stop.WaitAsync(WorkerSlotWaits.Bound);
        Assert.True(worker.Killed);
    }

    [Theory]
    [InlineData(5, "Backoff")]
    [InlineData(0, "GaveUp")]
    public async Task ReadyWorkerThatCrashes_IsRestartedOrGivenUp(int maxRestarts, string expected)
    {
        var after = Enum.Parse<WorkerSlotState>(expected);
        var (slot, run, worker) = await StartWithReadyWorkerAsync(maxRestarts);

        worker.Exit(139);

        await WaitForTransitionAsync(slot, Ready, after); // a first restart follows at once
        Assert.Equal((Ready, after), Transitions()[1]);
        Assert.Equal(1, slot.Exits[WorkerExitReason.Crash]);
        Assert.Contains(new WorkerInstance(0, 1), _front.Leaving);
        if (after == GaveUp)
        {
            Assert.Equal(SlotOutcome.GaveUp, await run.WaitAsync(WorkerSlotWaits.Bound));
            // "1 time", not "1 times": a limit of 0 gives up at the first failure.
            Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Message == "Worker 0 failed once (--max-restarts 0); giving up on this slot");
            Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Message.Contains("1 times", StringComparison.Ordinal));
        }
        else
        {
            await WaitForLaunchesAsync(slot, 2);
            await StopAsync(slot);
        }
    }

    [Fact]
    public async Task ReadyWorkerThatTurnsFatal_EndsTheSlot()
    {
        var (slot, run, worker) = await StartWithReadyWorkerAsync();

        worker.FatalError = "the app cannot serve";
        worker.Exit(1);

        Assert.Equal(SlotOutcome.Fatal, await run.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Equal([(Starting, Ready), (Ready, Stopped)], Transitions());
    }

    // ---- Replacing ----

    [Fact]
    public async Task Replace_StartsTheNewWorkerFirst_ThenDrainsTheOld_AndCountsTheReason()
    {
        var (slot, run, old) = await StartWithReadyWorkerAsync();

        var replace = slot.ReplaceAsync(WorkerExitReason.Reload);
        await WaitForLaunchesAsync(slot, 2);
        var successor = _launcher.Launches[1].Process;
        Assert.Null(old.DrainRequested); // capacity kept: the old one serves until the new one is ready
        Assert.True(slot.IsReplacing);
        successor.BecomeReady();
        await old.DrainRequestedTask.WaitAsync(WorkerSlotWaits.Bound);
        Assert.Same(successor, slot.Current);
        old.Exit(0);

        Assert.True(await replace.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Equal(["ready 0.1", "ready 0.2", "leaving 0.1"], _front.Events);
        Assert.Equal(1, slot.Exits[WorkerExitReason.Reload]);
        Assert.Equal(WorkerSlotState.Ready, slot.State);
        Assert.Equal(0, slot.Restarts);
        Assert.Equal([(Starting, Ready), (Ready, Replacing), (Replacing, Ready)], Transitions());
        await StopAsync(slot);
    }

    [Fact]
    public async Task Replace_WhoseNewWorkerCannotStart_KeepsTheOldWorker()
    {
        var (slot, run, old) = await StartWithReadyWorkerAsync();

        var replace = slot.ReplaceAsync(WorkerExitReason.Reload);
        await WaitForLaunchesAsync(slot, 2);
        _launcher.Launches[1].Process.Exit(134); // the new build crashes at start

        Assert.False(await replace.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Same(old, slot.Current);
        Assert.Null(old.DrainRequested);
        Assert.Equal(WorkerSlotState.Ready, slot.State);
        Assert.DoesNotContain(WorkerExitReason.Reload, slot.Exits.Keys);
        Assert.Equal([(Starting, Ready), (Ready, Replacing), (Replacing, Ready)], Transitions());
        await StopAsync(slot);
    }

    [Fact]
    public async Task Replace_WhenTheSlotIsNotReady_IsRefused()
    {
        var slot = CreateSlot();
        _ = slot.RunAsync();
        await WaitForLaunchesAsync(slot, 1);

        Assert.False(await slot.ReplaceAsync(WorkerExitReason.Reload)); // starting
        Assert.Single(_launcher.Launches);

        _launcher.Launches[0].Process.BecomeReady();
        await slot.WaitForStateAsync(Ready);
        var replace = slot.ReplaceAsync(WorkerExitReason.Reload);
        Assert.False(await slot.ReplaceAsync(WorkerExitReason.Memory)); // replacing already
        Assert.False(slot.TryBeginEnding(_launcher.Launches[0].Process));
        Assert.Equal(2, _launcher.Launches.Count);
        _launcher.Launches[1].Process.Exit(1);
        Assert.False(await replace.WaitAsync(WorkerSlotWaits.Bound));
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Id.Name == "IllegalSlotTransition");
        await StopAsync(slot);
    }

    [Fact]
    public async Task StopDuringReplacement_DrainsTheOldWorker_AndEndsTheStartingOne()
    {
        var (slot, run, old) = await StartWithReadyWorkerAsync();
        var replace = slot.ReplaceAsync(WorkerExitReason.Reload);
        await WaitForLaunchesAsync(slot, 2);
        var successor = _launcher.Launches[1].Process;

        var stop = slot.StopAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Draining, slot.State);
        await old.DrainRequestedTask.WaitAsync(WorkerSlotWaits.Bound);
        old.Exit(0);
        // The successor's start wait ends with the stop; it is ended too, never announced.
        Assert.False(await replace.WaitAsync(WorkerSlotWaits.Bound));
        await stop.WaitAsync(WorkerSlotWaits.Bound);

        Assert.True(successor.Killed);
        Assert.Equal(SlotOutcome.Stopped, await run.WaitAsync(WorkerSlotWaits.Bound));
        Assert.DoesNotContain(new WorkerInstance(0, 2), _front.Ready);
        Assert.Equal([(Starting, Ready), (Ready, Replacing), (Replacing, Draining), (Draining, Stopped)], Transitions());
    }

    [Fact]
    public async Task OldWorkerDyingWhileItsReplacementStarts_IsCountedOnceAsACrash()
    {
        var (slot, run, old) = await StartWithReadyWorkerAsync();
        var replace = slot.ReplaceAsync(WorkerExitReason.Reload);
        await WaitForLaunchesAsync(slot, 2);

        old.Exit(139);
        await slot.WaitUntilAsync(() => old.EndedBecause == WorkerExitReason.Crash, "the old worker's exit seen as a crash");
        _launcher.Launches[1].Process.BecomeReady();

        Assert.True(await replace.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Same(_launcher.Launches[1].Process, slot.Current);
        // The crash is counted by the run loop once it sees the replacement done.
        await slot.WaitUntilAsync(() => slot.Exits.ContainsKey(WorkerExitReason.Crash), "the crash counted");
        Assert.Equal(1, slot.Exits[WorkerExitReason.Crash]);
        Assert.DoesNotContain(WorkerExitReason.Reload, slot.Exits.Keys);
        await StopAsync(slot);
    }

    [Theory]
    [InlineData(5, "Backoff")]
    [InlineData(0, "GaveUp")]
    public async Task OldWorkerDyingWhileItsReplacementFails_IsRestartedOrGivenUp(int maxRestarts, string expected)
    {
        var after = Enum.Parse<WorkerSlotState>(expected);
        var (slot, run, old) = await StartWithReadyWorkerAsync(maxRestarts);
        var replace = slot.ReplaceAsync(WorkerExitReason.Reload);
        await WaitForLaunchesAsync(slot, 2);

        old.Exit(139);
        _launcher.Launches[1].Process.Exit(134);

        Assert.False(await replace.WaitAsync(WorkerSlotWaits.Bound));
        await WaitForTransitionAsync(slot, Replacing, after);
        Assert.Equal([(Starting, Ready), (Ready, Replacing), (Replacing, after)], Transitions()[..3]);
        Assert.Equal(1, slot.Exits[WorkerExitReason.Crash]);
        await StopAsync(slot);
    }

    [Fact]
    public async Task OldWorkerTurningFatalWhileItsReplacementFails_EndsTheSlot()
    {
        var (slot, run, old) = await StartWithReadyWorkerAsync();
        var replace = slot.ReplaceAsync(WorkerExitReason.Reload);
        await WaitForLaunchesAsync(slot, 2);

        old.FatalError = "the app cannot serve";
        old.Exit(1);
        _launcher.Launches[1].Process.Exit(134);

        Assert.Equal(SlotOutcome.Fatal, await run.WaitAsync(WorkerSlotWaits.Bound));
        Assert.False(await replace.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Equal([(Starting, Ready), (Ready, Replacing), (Replacing, Stopped)], Transitions());
    }

    // ---- Ending ----

    [Fact]
    public async Task HungWorker_IsKilled_AndRestartedInItsSlot()
    {
        var (slot, run, hung) = await StartWithReadyWorkerAsync();

        slot.EndHungWorker(hung);

        await WaitForLaunchesAsync(slot, 2);
        Assert.True(hung.Killed);
        Assert.Equal(1, slot.Exits[WorkerExitReason.Hung]);
        Assert.Equal([(Starting, Ready), (Ready, Ending), (Ending, Backoff), (Backoff, Starting)], Transitions());
        await StopAsync(slot);
    }

    [Fact]
    public async Task ClaimedHungWorker_IsEnding_UntilItIsKilled_AndIsClaimedOnce()
    {
        var (slot, run, hung) = await StartWithReadyWorkerAsync(maxRestarts: 0);

        Assert.True(slot.TryBeginEnding(hung));
        Assert.True(slot.IsEnding);
        Assert.False(slot.TryBeginEnding(hung));
        Assert.False(await slot.ReplaceAsync(WorkerExitReason.Memory));
        slot.EndHungWorker(hung);

        Assert.Equal(SlotOutcome.GaveUp, await run.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Equal(1, slot.Exits[WorkerExitReason.Hung]);
        Assert.Equal([(Starting, Ready), (Ready, Ending), (Ending, GaveUp)], Transitions());
    }

    [Fact]
    public async Task StopWhileEnding_DrainsTheWorker()
    {
        var (slot, run, hung) = await StartWithReadyWorkerAsync();
        Assert.True(slot.TryBeginEnding(hung));

        var stop = slot.StopAsync(TimeSpan.FromSeconds(1));
        await hung.DrainRequestedTask.WaitAsync(WorkerSlotWaits.Bound);
        slot.EndHungWorker(hung); // the evidence capture finishes and kills it

        await stop.WaitAsync(WorkerSlotWaits.Bound);
        Assert.Equal(SlotOutcome.Stopped, await run.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Equal([(Starting, Ready), (Ready, Ending), (Ending, Draining), (Draining, Stopped)], Transitions());
    }

    [Fact]
    public async Task HungWorkerThatTurnsFatal_EndsTheSlot()
    {
        var (slot, run, hung) = await StartWithReadyWorkerAsync();
        Assert.True(slot.TryBeginEnding(hung));

        hung.FatalError = "the app cannot serve";
        slot.EndHungWorker(hung);

        Assert.Equal(SlotOutcome.Fatal, await run.WaitAsync(WorkerSlotWaits.Bound));
        Assert.Equal([(Starting, Ready), (Ready, Ending), (Ending, Stopped)], Transitions());
    }

    // ---- Helpers ----

    /// <summary>A slot running, with its first worker ready.</summary>
    private async Task<(WorkerSlot Slot, Task<SlotOutcome> Run, FakeWorkerProcess Worker)> StartWithReadyWorkerAsync(int maxRestarts = 5)
    {
        var slot = CreateSlot(maxRestarts);
        var run = slot.RunAsync();
        await WaitForLaunchesAsync(slot, 1);
        var worker = _launcher.Launches[0].Process;
        worker.BecomeReady();
        await slot.FirstReady.WaitAsync(WorkerSlotWaits.Bound);
        return (slot, run, worker);
    }

    /// <summary>Every move the slot made so far, in order.</summary>
    private List<(WorkerSlotState From, WorkerSlotState To)> Transitions() =>
    [
        .. _logger.Collector.GetSnapshot()
            .Where(r => r.Id.Name == "SlotStateChanged")
            .Select(r => (Enum.Parse<WorkerSlotState>(r.GetStructuredStateValue("From")!), Enum.Parse<WorkerSlotState>(r.GetStructuredStateValue("To")!))),
    ];

    private Task WaitForTransitionAsync(WorkerSlot slot, WorkerSlotState from, WorkerSlotState to) =>
        slot.WaitUntilAsync(() => Transitions().Contains((from, to)), $"{from} -> {to}");

    private static async Task StopAsync(WorkerSlot slot)
    {
        var stop = slot.StopAsync(TimeSpan.FromSeconds(1));
        ((FakeWorkerProcess?)slot.Current)?.Exit(0);
        await stop.WaitAsync(WorkerSlotWaits.Bound);
    }

    private async Task WaitForLaunchesAsync(WorkerSlot slot, int count)
    {
        await slot.WaitUntilAsync(() => _launcher.Launches.Count >= count, $"{count} launches");
        Assert.Equal(count, _launcher.Launches.Count);
    }

    private sealed class RecordingFront : IClusterFront
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
