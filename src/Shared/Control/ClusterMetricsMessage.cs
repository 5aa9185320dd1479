namespace ClusterHost.Control;

/// <summary>Primary to worker, answering a <see cref="ClusterMetricsRequestMessage"/>. See <see cref="ControlMessageTypes.ClusterMetrics"/>.</summary>
internal sealed record ClusterMetricsMessage : ControlMessage
{
    /// <summary>The <see cref="ClusterMetricsRequestMessage.Id"/> this answers.</summary>
    public required long Id { get; init; }

    /// <summary>Every worker's prometheus-net families in the Prometheus text format, merged; null when it could not be built (see <see cref="Message"/>).</summary>
    public string? Text { get; init; }

    /// <summary>Why <see cref="Text"/> is missing.</summary>
    public string? Message { get; init; }
}
