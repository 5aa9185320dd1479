namespace ClusterHost.Primary.Supervision;

/// <summary>Why a worker slot stopped running workers.</summary>
internal enum SlotOutcome
{
    /// <summary>The cluster is shutting down.</summary>
    Stopped,

    /// <summary>Crash-looping past the restart limit.</summary>
    GaveUp,

    /// <summary>The worker reported it cannot serve; restarting would not help.</summary>
    Fatal,
}
