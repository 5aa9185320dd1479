namespace ClusterHost.Primary.Operator;

/// <summary>Client to primary: scale to a number of workers; answered by progress lines and a <see cref="DoneReply"/> once every slot is ready.</summary>
/// <param name="Workers">An absolute count (<c>3</c>) or a change (<c>+1</c>, <c>-2</c>).</param>
internal sealed record ScaleRequest(string Workers) : OperatorMessage;
