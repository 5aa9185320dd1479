namespace ClusterHost.Primary.Operator;

/// <summary>Client to primary: the cluster's status now; answered by one <see cref="StatusReply"/>.</summary>
/// <param name="Events">Include the recent events.</param>
internal sealed record StatusRequest(bool Events = false) : OperatorMessage;
