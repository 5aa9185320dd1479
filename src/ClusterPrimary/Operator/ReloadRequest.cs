namespace ClusterHost.Primary.Operator;

/// <summary>Client to primary: a rolling reload, as SIGHUP; answered by progress lines and a <see cref="DoneReply"/> once it has ended.</summary>
internal sealed record ReloadRequest : OperatorMessage;
