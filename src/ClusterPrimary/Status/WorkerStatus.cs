namespace ClusterHost.Primary.Status;

/// <summary>One worker slot in a <see cref="ClusterStatus"/>. A field is null when it is not known (no worker running, no sample yet).</summary>
internal sealed record WorkerStatus
{
    /// <summary>The slot id, 0..N-1 (<c>CLUSTERHOST_WORKER_ID</c>).</summary>
    public required int Id { get; init; }

    /// <summary>The worker process now in the slot.</summary>
    public int? Pid { get; init; }

    /// <summary>starting, ready, replacing, ending, backoff, draining, stopped, gave-up.</summary>
    public required string State { get; init; }

    /// <summary>Seconds since the current worker was launched.</summary>
    public double? UptimeSeconds { get; init; }

    /// <summary>Restarts of this slot after unexpected exits.</summary>
    public required int Restarts { get; init; }

    /// <summary>Workers that left this slot, by reason (the same counts as <c>clusterhost_worker_exits_total</c>).</summary>
    public required IReadOnlyDictionary<string, int> Exits { get; init; }

    /// <summary>Requests the current worker has served (as of its last heartbeat).</summary>
    public long? Requests { get; init; }

    /// <summary>Requests in progress at the worker (<c>http.server.active_requests</c>), as of the last sample.</summary>
    public double? InFlight { get; init; }

    /// <summary>Requests per second over the last sample interval.</summary>
    public double? RequestsPerSecond { get; init; }

    /// <summary>99th percentile request duration over the last sample interval, in seconds (estimated from histogram buckets).</summary>
    public double? P99Seconds { get; init; }

    /// <summary>Resident memory, in bytes.</summary>
    public long? RssBytes { get; init; }

    /// <summary>CPU use over the last sample interval, in percent of one core.</summary>
    public double? CpuPercent { get; init; }

    /// <summary>Thread-pool responsiveness lag, in seconds (<c>clusterhost.worker.responsiveness.current_lag</c>).</summary>
    public double? LagSeconds { get; init; }

    /// <summary>The app version this worker reported.</summary>
    public string? AppVersion { get; init; }

    /// <summary>How the slot's last worker left, if one has.</summary>
    public StatusExit? LastExit { get; init; }
}
