using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.Supervision;

/// <summary>Launches <see cref="FakeWorkerProcess"/>es and records when, in virtual time.</summary>
internal sealed class FakeWorkerLauncher(TimeProvider time) : IWorkerLauncher
{
    private readonly List<(TimeSpan At, FakeWorkerProcess Process)> _launches = [];

    public IReadOnlyList<(TimeSpan At, FakeWorkerProcess Process)> Launches
    {
        get
        {
            lock (_launches)
            {
                return [.. _launches];
            }
        }
    }

    public IWorkerProcess Launch(WorkerInstance instance)
    {
        var process = new FakeWorkerProcess(instance, 1000 + Launches.Count);
        lock (_launches)
        {
            _launches.Add((TimeSpan.FromTicks(time.GetTimestamp()), process));
        }
        return process;
    }
}

/// <summary>A worker the test makes ready, crash or drain by hand.</summary>
internal sealed class FakeWorkerProcess(WorkerInstance instance, int pid) : IWorkerProcess
{
    public WorkerInstance Instance => instance;
    public long LastHeartbeat { get; set; }
    public long Requests { get; set; }
    public WorkerExitReason? EndedBecause { get; set; }
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Pid => pid;
    public Task Ready => _ready.Task;
    public Task<int> Exited => _exited.Task;
    public string? FatalError { get; set; }
    public TimeSpan? DrainRequested { get; private set; }
    public bool Killed { get; private set; }

    public void BecomeReady() => _ready.TrySetResult();

    public void Exit(int code) => _exited.TrySetResult(code);

    public void RequestDrain(TimeSpan timeout) => DrainRequested = timeout;

    public void Kill()
    {
        Killed = true;
        Exit(137);
    }
}
