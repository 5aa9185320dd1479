using System.Text.Json.Serialization;

namespace ClusterHost.Primary.Operator;

/// <summary>
/// One line of the operator protocol (<c>clusterhost status|reload|scale|stop</c> to the primary,
/// over its control socket): a JSON object per '\n'-terminated line, its <c>type</c> naming the
/// record, as the worker control protocol (<see cref="ClusterHost.Control.ControlMessage"/>) has
/// it. The client sends one request; the primary answers with any number of
/// <see cref="ProgressReply"/> lines and ends with a <see cref="StatusReply"/> or a <see cref="DoneReply"/>.
/// See docs/control.md.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(StatusRequest), "status")]
[JsonDerivedType(typeof(ReloadRequest), "reload")]
[JsonDerivedType(typeof(ScaleRequest), "scale")]
[JsonDerivedType(typeof(StopRequest), "stop")]
[JsonDerivedType(typeof(ProgressReply), "progress")]
[JsonDerivedType(typeof(StatusReply), "status-reply")]
[JsonDerivedType(typeof(DoneReply), "done")]
internal abstract record OperatorMessage;
