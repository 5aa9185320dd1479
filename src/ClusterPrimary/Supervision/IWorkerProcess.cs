namespace ClusterHost.Primary.Supervision;

/// <summary>One launched worker process, as the supervisor sees it.</summary>
internal interface IWorkerProcess
{
    WorkerInstance Instance { get; }

    int WorkerId => Instance.WorkerId;

    int Pid { get; }

    /// <summary>Completes when the worker reports that Kestrel listens.</summary>
    Task Ready { get; }

    /// <summary>Completes with the exit code once the process has exited and been reaped.</summary>
    Task<int> Exited { get; }

    /// <summary>Set when the worker reported it cannot serve and must not be restarted.</summary>
    string? FatalError { get; }

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last sign of life (ready or heartbeat); 0 before.</summary>
    long LastHeartbeat { get; }

    /// <summary>Requests the worker has served, as of its last heartbeat.</summary>
    long Requests { get; }

    /// <summary>Why the primary ended this process, when it did (hung, start timeout); null for its own exits.</summary>
    WorkerExitReason? EndedBecause { get; set; }

    /// <summary>Asks the worker to stop accepting, finish in-flight requests within <paramref name="timeout"/>, and exit.</summary>
    void RequestDrain(TimeSpan timeout);

    /// <summary>SIGKILL to the worker and any process it started.</summary>
    void Kill();
}
