namespace ClusterHost.Primary.Operator;

/// <summary>Primary to client, last line: whether the request succeeded, and a line for people (the reason, when it failed).</summary>
/// <param name="Ok">True when the request did what it asked.</param>
/// <param name="Message">What happened, or why not.</param>
/// <param name="Pid">The primary's pid (the stop command waits for it to exit).</param>
internal sealed record DoneReply(bool Ok, string Message, int? Pid = null) : OperatorMessage;
