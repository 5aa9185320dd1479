using ClusterHost.Metrics;

namespace ClusterHost.Primary.Metrics;

/// <summary>A worker process the primary can ask for its metrics over the control channel.</summary>
internal interface IWorkerMetricsSource
{
    /// <summary>
    /// Asks the worker for a snapshot. Completes with null when the worker cannot answer (not
    /// connected yet, gone, or it failed to collect); may never complete while the worker is stopped
    /// or hung, so callers bound the wait. At most one request is in flight per worker: asking
    /// again before the answer returns the same pending request.
    /// </summary>
    Task<WorkerMetricsSnapshot?> RequestMetricsAsync();

    /// <summary>The app version the worker reported in its latest snapshot, if any.</summary>
    string? AppVersion { get; }

    /// <summary>When the process started, if it still runs.</summary>
    DateTimeOffset? StartTime { get; }
}
