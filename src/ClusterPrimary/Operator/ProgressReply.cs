namespace ClusterHost.Primary.Operator;

/// <summary>Primary to client: one step of a reload or a scaling, for people.</summary>
internal sealed record ProgressReply(string Message) : OperatorMessage;
