using System.Text.Json.Serialization;

namespace ClusterHost.Control;

/// <summary>
/// One line of the control protocol between the primary and a worker: a JSON object per line
/// over a Unix domain socket, its <c>type</c> property one of <see cref="ControlMessageTypes"/>
/// and naming the record it reads as. Serialize and deserialize it through
/// <see cref="ControlJsonContext"/>.
/// </summary>
/// <remarks>
/// A line whose <c>type</c> this side does not know fails to deserialize; the channel skips it
/// (<see cref="ControlReadStatus.Malformed"/>), so a newer peer may add message types.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HelloMessage), ControlMessageTypes.Hello)]
[JsonDerivedType(typeof(ReadyMessage), ControlMessageTypes.Ready)]
[JsonDerivedType(typeof(HeartbeatMessage), ControlMessageTypes.Heartbeat)]
[JsonDerivedType(typeof(FatalMessage), ControlMessageTypes.Fatal)]
[JsonDerivedType(typeof(DrainMessage), ControlMessageTypes.Drain)]
[JsonDerivedType(typeof(MetricsRequestMessage), ControlMessageTypes.MetricsRequest)]
[JsonDerivedType(typeof(MetricsMessage), ControlMessageTypes.Metrics)]
[JsonDerivedType(typeof(ClusterMetricsRequestMessage), ControlMessageTypes.ClusterMetricsRequest)]
[JsonDerivedType(typeof(ClusterMetricsMessage), ControlMessageTypes.ClusterMetrics)]
internal abstract record ControlMessage;
