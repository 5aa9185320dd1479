namespace ClusterHost.Primary.Status;

/// <summary>What one <see cref="StatusSampler"/> tick measured of one worker. Rates are over the interval since the previous tick; null when unknown.</summary>
internal sealed record WorkerSample(
    long UnixMilliseconds,
    int Pid,
    double? RequestsPerSecond,
    double? P99Seconds,
    long? RssBytes,
    double? CpuPercent,
    double? InFlight,
    double? LagSeconds);
