using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.Supervision;

/// <summary>A worker the test makes ready, crash or drain by hand.</summary>
internal sealed class FakeWorkerProcess(WorkerInstance instance, int pid) : IWorkerProcess
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<TimeSpan> _drainRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WorkerInstance Instance => instance;
    public long LastHeartbeat { get; set; }
    public long Requests { get; set; }
    public WorkerExitReason? EndedBecause { get; set; }
    public int Pid => pid;
    public Task Ready => _ready.Task;
    public Task<int> Exited => _exited.Task;
    public string? FatalError { get; set; }
    public TimeSpan? DrainRequested => _drainRequested.Task.IsCompleted ? _drainRequested.Task.Result : null;

    /// <summary>Completes with the drain budget once the slot asks this worker to drain.</summary>
    public Task<TimeSpan> DrainRequestedTask => _drainRequested.Task;

    public bool Killed { get; private set; }

    public void BecomeReady() => _ready.TrySetResult();

    public void Exit(int code) => _exited.TrySetResult(code);

    public void RequestDrain(TimeSpan timeout) => _drainRequested.TrySetResult(timeout);

    public void Kill()
    {
        Killed = true;
        Exit(137);
    }
}
