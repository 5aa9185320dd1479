using ClusterHost.Primary.Balancing.Handoff;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Time.Testing;

namespace ClusterHost.Primary.Tests.Balancing.Handoff;

public sealed class HandoffRotationTests
{
    private static readonly WorkerInstance W0 = new(0, 1);
    private static readonly WorkerInstance W1 = new(1, 1);
    private static readonly WorkerInstance W2 = new(2, 1);

    private readonly FakeTimeProvider _time = new();

    private HandoffRotation Rotation(params WorkerInstance[] ready)
    {
        var rotation = new HandoffRotation(_time);
        foreach (var instance in ready)
        {
            rotation.Attached(instance);
            rotation.Ready(instance);
        }
        return rotation;
    }

    private static WorkerInstance Next(HandoffRotation rotation)
    {
        Assert.True(rotation.TryReserve(out var instance));
        return instance;
    }

    [Fact]
    public void TryReserve_ThreeReadyWorkers_TakesThemInTurn()
    {
        var rotation = Rotation(W0, W1, W2);

        var chosen = Enumerable.Range(0, 7).Select(_ => Next(rotation)).ToList();

        Assert.Equal([W0, W1, W2, W0, W1, W2, W0], chosen);
    }

    [Fact]
    public void TryReserve_FourConnectionsOverTwoWorkers_GivesEachTwo()
    {
        var rotation = Rotation(W1, W0); // joined out of order: the turn is still by slot

        var chosen = Enumerable.Range(0, 4).Select(_ => Next(rotation)).ToList();

        Assert.Equal(2, chosen.Count(w => w == W0));
        Assert.Equal([W0, W1, W0, W1], chosen);
    }

    [Fact]
    public void TryReserve_WorkerNotReadyOrWithoutItsSocket_IsSkipped()
    {
        var rotation = Rotation(W0);
        rotation.Attached(W1);   // starting: hello, not ready
        rotation.Ready(W2);      // ready, its handoff socket not open yet

        Assert.Equal([W0, W0, W0], Enumerable.Range(0, 3).Select(_ => Next(rotation)));

        rotation.Ready(W1);
        rotation.Attached(W2);
        Assert.Equal([W1, W2, W0], Enumerable.Range(0, 3).Select(_ => Next(rotation)));
    }

    [Fact]
    public void TryReserve_RemovedWorker_IsSkipped_AndLateNewsOfItDoesNotBringItBack()
    {
        var rotation = Rotation(W0, W1);
        Next(rotation);
        Next(rotation); // W1 holds one unacknowledged

        rotation.Remove(W1); // draining
        rotation.Acknowledged(W1);
        rotation.Ready(W1);

        Assert.Equal([W0, W0, W0], Enumerable.Range(0, 3).Select(_ => Next(rotation)));
        Assert.Equal([W0], rotation.InRotation);
    }

    [Fact]
    public void TryReserve_WorkerAtTheBound_GetsNoMore_UntilItAcknowledges()
    {
        var rotation = Rotation(W0);
        for (var i = 0; i < HandoffRotation.MaxUnacknowledged; i++)
        {
            Next(rotation);
        }

        Assert.False(rotation.TryReserve(out _));
        Assert.False(rotation.HasRoom);
        Assert.Equal(HandoffRotation.MaxUnacknowledged, rotation.Unacknowledged(W0));

        rotation.Acknowledged(W0);

        Assert.True(rotation.HasRoom);
        Assert.Equal(W0, Next(rotation));
        Assert.False(rotation.TryReserve(out _));
    }

    [Fact]
    public void TryReserve_OneWorkerFull_TheOthersTakeItsTurns()
    {
        var rotation = Rotation(W0, W1);
        var slowHeld = 0;
        var chosen = new List<WorkerInstance>();
        // W1 never acknowledges; W0 acknowledges everything at once.
        for (var i = 0; i < 200; i++)
        {
            var next = Next(rotation);
            chosen.Add(next);
            if (next == W0)
            {
                rotation.Acknowledged(W0);
            }
            else
            {
                slowHeld++;
            }
        }

        Assert.Equal(HandoffRotation.MaxUnacknowledged, slowHeld);
        Assert.Equal(200 - HandoffRotation.MaxUnacknowledged, chosen.Count(w => w == W0));
    }

    [Fact]
    public void TryReserve_WorkerSilentForTheStallBound_IsPassedOver_WhileAnotherCanTakeIt()
    {
        var rotation = Rotation(W0, W1);
        Assert.Equal(W0, Next(rotation));
        Assert.Equal(W1, Next(rotation));
        rotation.Acknowledged(W1);

        _time.Advance(HandoffRotation.StallAfter);

        // W0 holds one it has not acknowledged for a second: W1 takes the turns.
        Assert.Equal([W1, W1], Enumerable.Range(0, 2).Select(_ => { var w = Next(rotation); rotation.Acknowledged(w); return w; }));

        rotation.Acknowledged(W0);
        Assert.Equal([W0, W1], Enumerable.Range(0, 2).Select(_ => Next(rotation)));
    }

    [Fact]
    public void TryReserve_EveryWorkerStalled_StillHandsThemOut_UpToTheBound()
    {
        var rotation = Rotation(W0, W1);
        Next(rotation);
        Next(rotation);

        _time.Advance(HandoffRotation.StallAfter * 5);

        Assert.Equal([W0, W1], Enumerable.Range(0, 2).Select(_ => Next(rotation)));
    }

    [Fact]
    public void NotSent_QueueFull_SkipsTheWorker_UntilItAcknowledges()
    {
        var rotation = Rotation(W0, W1);
        Assert.Equal(W0, Next(rotation)); // sent: unread in W0's queue
        Assert.Equal(W1, Next(rotation));
        Assert.Equal(W0, Next(rotation));
        rotation.NotSent(W0, queueFull: true);

        Assert.Equal(1, rotation.Unacknowledged(W0));
        Assert.Equal([W1, W1], Enumerable.Range(0, 2).Select(_ => Next(rotation)));

        rotation.Acknowledged(W0);
        Assert.Equal(W0, Next(rotation));
    }

    [Fact]
    public void NotSent_QueueFull_AfterTheWorkerAcknowledgedEverythingItHeld_KeepsItInTurn()
    {
        var rotation = Rotation(W0, W1);
        Assert.Equal(W0, Next(rotation));
        Assert.Equal(W1, Next(rotation));
        Assert.Equal(W0, Next(rotation)); // its send finds W0's queue full...
        rotation.Acknowledged(W0);        // ...and W0 reads and acknowledges the first before NotSent runs
        rotation.NotSent(W0, queueFull: true);

        // Nothing of W0's is left to acknowledge: no acknowledgement would ever clear a block.
        Assert.Equal(0, rotation.Unacknowledged(W0));
        Assert.Equal([W1, W0, W1, W0], Enumerable.Range(0, 4).Select(_ => Next(rotation)));
    }

    [Fact]
    public void NotSent_QueueFull_OnTheOnlyWorker_AfterItAcknowledgedEverything_StillLeavesRoom()
    {
        var rotation = Rotation(W0);
        Next(rotation);
        Next(rotation);
        rotation.Acknowledged(W0);
        rotation.NotSent(W0, queueFull: true);

        // Without room the front stops accepting, and only an acknowledgement would bring it back.
        Assert.True(rotation.HasRoom);
        Assert.Equal(W0, Next(rotation));
    }

    [Fact]
    public void NotSent_SocketClosed_TheWorkerGetsNoneAgain()
    {
        var rotation = Rotation(W0, W1);
        Assert.Equal(W0, Next(rotation));

        rotation.NotSent(W0, queueFull: false);

        Assert.Equal([W1, W1, W1], Enumerable.Range(0, 3).Select(_ => Next(rotation)));
    }

    [Fact]
    public void Changed_IsRaised_WhenRoomMayAppear_AndNotWhenASendFails()
    {
        var rotation = Rotation(W0);
        var raised = 0;
        rotation.Changed += () => raised++;

        Next(rotation);
        rotation.NotSent(W0, queueFull: true);
        Assert.Equal(0, raised);

        rotation.Acknowledged(W0);
        rotation.Ready(W1);
        rotation.Remove(W1);
        Assert.Equal(3, raised);
    }

    [Fact]
    public void TryReserve_NoWorkerReady_ReturnsFalse()
    {
        var rotation = new HandoffRotation(_time);

        Assert.False(rotation.TryReserve(out _));
        Assert.False(rotation.HasRoom);
    }
}
