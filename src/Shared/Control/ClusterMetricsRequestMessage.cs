namespace ClusterHost.Control;

/// <summary>
/// Worker to primary: send me the cluster's merged exposition of the apps' prometheus-net
/// registries. See <see cref="ControlMessageTypes.ClusterMetricsRequest"/>.
/// </summary>
/// <param name="Id">Echoed in the <see cref="ClusterMetricsMessage"/> that answers it.</param>
internal sealed record ClusterMetricsRequestMessage(long Id) : ControlMessage;
