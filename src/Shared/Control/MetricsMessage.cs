using ClusterHost.Metrics;

namespace ClusterHost.Control;

/// <summary>Worker to primary, answering a <see cref="MetricsRequestMessage"/>. See <see cref="ControlMessageTypes.Metrics"/>.</summary>
internal sealed record MetricsMessage : ControlMessage
{
    /// <summary>The <see cref="MetricsRequestMessage.Id"/> this answers.</summary>
    public required long Id { get; init; }

    /// <summary>The worker's metrics; null when it could not collect them (see <see cref="Message"/>).</summary>
    public WorkerMetricsSnapshot? Metrics { get; init; }

    /// <summary>Why <see cref="Metrics"/> is missing.</summary>
    public string? Message { get; init; }
}
