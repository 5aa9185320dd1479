using ClusterHost.Metrics;
using ClusterHost.Primary.Metrics;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// A worker process under <see cref="WorkerHandshakeWatch"/>: itself, plus the fatal error of a
/// worker that never connected. Such a worker cannot be drained (it has no control channel), so
/// once the injection is known to have failed it is killed instead.
/// </summary>
internal sealed class HandshakeWatchedProcess(WorkerProcess inner, WorkerHandshakeWatch watch) : IWorkerProcess, IWorkerMetricsSource
{
    private volatile string? _fatalError;
    private TimeSpan _allowed = watch.Bound;

    public WorkerInstance Instance => inner.Instance;

    public int Pid => inner.Pid;

    public Task Ready => inner.Ready;

    public Task<int> Exited => inner.Exited;

    public string? FatalError => _fatalError ?? inner.FatalError;

    public long LastHeartbeat => inner.LastHeartbeat;

    public long Requests => inner.Requests;

    public WorkerExitReason? EndedBecause
    {
        get => inner.EndedBecause;
        set => inner.EndedBecause = value;
    }

    public string? AppVersion => inner.AppVersion;

    public DateTimeOffset? StartTime => inner.StartTime;

    /// <summary>The worker said hello: the injected configuration ran.</summary>
    private bool Connected => inner.Control.IsAttached || inner.Ready.IsCompleted;

    public Task<WorkerMetricsSnapshot?> RequestMetricsAsync() => inner.RequestMetricsAsync();

    public void RequestDrain(TimeSpan timeout)
    {
        if (watch.InjectionFailed && !Connected)
        {
            inner.Kill();
            return;
        }
        inner.RequestDrain(timeout);
    }

    public void Kill() => inner.Kill();

    /// <summary>The time allowed to connect has passed: fails the worker, or returns how much longer it may take.</summary>
    internal TimeSpan? OnBoundPassed()
    {
        if (inner.Exited.IsCompleted || Connected || watch.InjectionProven)
        {
            return null;
        }
        if (watch.MoreTime(Pid, _allowed) is { } more)
        {
            _allowed += more;
            return more;
        }
        if (!watch.TryFail(this, out var verdict))
        {
            return null;
        }
        _fatalError = verdict;
        inner.Kill();
        return null;
    }
}
