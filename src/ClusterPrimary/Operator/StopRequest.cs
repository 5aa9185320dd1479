namespace ClusterHost.Primary.Operator;

/// <summary>Client to primary: drain every worker and exit, as SIGTERM; answered by a <see cref="DoneReply"/> with the primary's pid, then the connection closes as the primary exits.</summary>
/// <param name="TimeoutSeconds">How long each worker may drain before it is killed; null: <c>--shutdown-timeout</c>.</param>
internal sealed record StopRequest(double? TimeoutSeconds = null) : OperatorMessage;
