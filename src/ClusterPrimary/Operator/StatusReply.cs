using ClusterHost.Primary.Status;

namespace ClusterHost.Primary.Operator;

/// <summary>Primary to client: the answer to a <see cref="StatusRequest"/>.</summary>
internal sealed record StatusReply(ClusterStatus Status) : OperatorMessage;
