namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Where a worker slot is in its life. <see cref="WorkerSlot"/> moves between these only along
/// the edges listed in <see cref="WorkerSlot.IsAllowed"/>; <see cref="Stopped"/> and
/// <see cref="GaveUp"/> are final.
/// </summary>
internal enum WorkerSlotState
{
    /// <summary>A worker is launched (or launching) and not ready yet.</summary>
    Starting,

    /// <summary>The worker is ready and serving.</summary>
    Ready,

    /// <summary>The worker serves while its successor starts (reload, recycling), then drains.</summary>
    Replacing,

    /// <summary>The worker is hung and being ended: stacks captured, then killed.</summary>
    Ending,

    /// <summary>The worker exited; waiting before the next start (<see cref="RestartBackoff"/>).</summary>
    Backoff,

    /// <summary>The slot is stopping: its worker drains, no other starts.</summary>
    Draining,

    /// <summary>The slot runs no worker any more: the cluster stopped, the slot was removed, or its worker was fatal.</summary>
    Stopped,

    /// <summary>Crash-looping past <c>--max-restarts</c>: no worker is started any more.</summary>
    GaveUp,
}
