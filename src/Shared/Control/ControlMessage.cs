using ClusterHost.Metrics;

namespace ClusterHost.Control;

/// <summary>
/// One line of the control protocol between the primary and a worker: a JSON object per line
/// over a Unix domain socket. <see cref="Type"/> is one of <see cref="ControlMessageTypes"/>.
/// </summary>
internal sealed record ControlMessage
{
    public required string Type { get; init; }

    /// <summary>The per-launch secret a worker proves itself with in <c>hello</c>.</summary>
    public string? Token { get; init; }

    public int? Pid { get; init; }

    /// <summary>A machine-readable reason in <c>fatal</c>, e.g. <see cref="ControlErrors.AddressInUse"/>.</summary>
    public string? Error { get; init; }

    public string? Message { get; init; }

    /// <summary>Requests served so far, in <c>heartbeat</c>.</summary>
    public long? Requests { get; init; }

    /// <summary>How long a worker may take to drain, in <c>drain</c>.</summary>
    public int? TimeoutMs { get; init; }

    /// <summary>Correlates a <c>metrics</c> answer with its <c>metrics-request</c>.</summary>
    public long? Id { get; init; }

    /// <summary>The worker's metrics, in <c>metrics</c>; null if it could not collect them (see <see cref="Message"/>).</summary>
    public WorkerMetricsSnapshot? Metrics { get; init; }
}
