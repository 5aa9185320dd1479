using ClusterHost.Metrics;
using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Metrics;

/// <summary>What one scrape learned about one worker slot.</summary>
internal sealed record WorkerScrape
{
    public required int WorkerId { get; init; }

    public required WorkerSlotState State { get; init; }

    /// <summary>Workers that left this slot so far, by reason.</summary>
    public IReadOnlyDictionary<WorkerExitReason, int> Exits { get; init; } = new Dictionary<WorkerExitReason, int>();

    /// <summary>The pid of the worker process now running in the slot; null if none runs.</summary>
    public int? Pid { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    /// <summary>The app version the running worker reported (in this scrape or an earlier one).</summary>
    public string? AppVersion { get; init; }

    /// <summary>The worker's metrics; null when it did not answer within the bound (not up).</summary>
    public WorkerMetricsSnapshot? Snapshot { get; init; }

    /// <summary>How long the worker took to answer, or the bound if it did not; null when no worker ran.</summary>
    public TimeSpan? Duration { get; init; }
}
