namespace ClusterHost.Primary.Supervision;

/// <summary>Where a worker slot is in its life.</summary>
internal enum WorkerSlotState
{
    Starting,
    Ready,
    Backoff,
    Draining,
    Stopped,
    GaveUp,
}
