namespace ClusterHost.Control;

/// <summary>Primary to worker: send me your metrics. See <see cref="ControlMessageTypes.MetricsRequest"/>.</summary>
/// <param name="Id">Echoed in the <see cref="MetricsMessage"/> that answers it.</param>
internal sealed record MetricsRequestMessage(long Id) : ControlMessage;
