using Microsoft.AspNetCore.SignalR.Protocol;

namespace ClusterHost.Worker.SignalR;

/// <summary>A client-result invocation this worker made and waits for, whichever worker owns the connection.</summary>
internal abstract class PendingInvocation(string connectionId)
{
    public string ConnectionId { get; } = connectionId;

    /// <summary>The type the client's answer is read as.</summary>
    public abstract Type ResultType { get; }

    public abstract void Complete(CompletionMessage completion);

    public abstract void Fail(Exception exception);
}
