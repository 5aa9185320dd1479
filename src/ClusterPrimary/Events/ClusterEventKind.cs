namespace ClusterHost.Primary.Events;

/// <summary>What a <see cref="ClusterEvent"/> records; its kebab-case name is the event's <c>kind</c> in JSON.</summary>
internal enum ClusterEventKind
{
    /// <summary>A worker exited unexpectedly (crash, start timeout, launch failure, hung) and its slot restarts it.</summary>
    Restart,

    /// <summary>A slot failed too often in a row and was given up.</summary>
    GaveUp,

    /// <summary>A rolling reload started.</summary>
    ReloadStarted,

    /// <summary>One slot's worker was replaced by a reload.</summary>
    ReloadProgress,

    /// <summary>A rolling reload replaced every ready worker.</summary>
    ReloadFinished,

    /// <summary>A rolling reload stopped at a worker that could not start; the rest keep the old build.</summary>
    ReloadFailed,

    /// <summary>A worker slot was added.</summary>
    ScaledUp,

    /// <summary>A worker slot was drained and removed.</summary>
    ScaledDown,

    /// <summary>A hung worker's stacks were captured before it was killed.</summary>
    HungCaptured,

    /// <summary>A worker is replaced gracefully for its memory or request count.</summary>
    Recycling,

    /// <summary>The cluster began to stop.</summary>
    Stopping,
}
